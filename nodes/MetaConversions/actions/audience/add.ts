/** Adds rows to a Custom Audience (`POST /{audience_id}/users`). See users.ts. */
import { usersOperation } from './users';

export const execute = usersOperation('add');
