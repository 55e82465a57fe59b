/** Replaces the whole membership (`POST /{audience_id}/usersreplace`) under one session. See users.ts. */
import { usersOperation } from './users';

export const execute = usersOperation('replace');
