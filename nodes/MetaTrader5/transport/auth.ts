/**
 * The MT5 Web API challenge–response (MQ docs `webapi_rest_authentication`):
 *   PH              = MD5( MD5(UTF-16LE(password)) ‖ "WebAPI" )
 *   srv_rand_answer = hex( MD5( PH ‖ srv_rand bytes ) )
 *   cli_rand_answer = hex( MD5( PH ‖ cli_rand bytes ) )   — the server's proof, checked by us.
 */
import { createHash, randomBytes, timingSafeEqual } from 'crypto';

export function passwordHash(password: string): Buffer {
	const inner = createHash('md5').update(Buffer.from(password, 'utf16le')).digest();
	return createHash('md5').update(Buffer.concat([inner, Buffer.from('WebAPI', 'ascii')])).digest();
}

export function randAnswer(hash: Buffer, randHex: string): string {
	return createHash('md5').update(Buffer.concat([hash, Buffer.from(randHex, 'hex')])).digest('hex');
}

export function newClientRand(): string {
	return randomBytes(16).toString('hex');
}

/** Constant time: the server's proof must not be checked byte by byte. */
export function serverProofMatches(expectedHex: string, receivedHex: unknown): boolean {
	if (typeof receivedHex !== 'string' || receivedHex.length !== expectedHex.length) return false;
	return timingSafeEqual(Buffer.from(expectedHex, 'utf8'), Buffer.from(receivedHex.toLowerCase(), 'utf8'));
}
