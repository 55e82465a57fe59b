/**
 * The Web API's challenge–response maths (MQ docs `webapi_rest_authentication`):
 *
 *   PH              = MD5( MD5( UTF-16LE(password) ) ‖ "WebAPI" )      (16 raw bytes)
 *   srv_rand_answer = hex( MD5( PH ‖ bytes(srv_rand) ) )               (the client proves the password)
 *   cli_rand_answer = hex( MD5( PH ‖ bytes(cli_rand) ) )               (the server proves it too)
 *
 * srv_rand and cli_rand are 16 random bytes written as 32 hex characters. The documentation's test
 * vector (password "Password1") is checked in test/sandbox/mt5.test.ts.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const RAND_HEX = /^[0-9a-fA-F]{32}$/;

function md5(...parts: Buffer[]): Buffer {
	const hash = createHash('md5');
	for (const part of parts) hash.update(part);
	return hash.digest();
}

/** PH: the password hash both sides derive; the password itself never crosses the wire. */
export function passwordHash(password: string): Buffer {
	return md5(md5(Buffer.from(password, 'utf16le')), Buffer.from('WebAPI', 'ascii'));
}

/** hex(MD5(PH ‖ rand)): the answer to either side's challenge. */
export function challengeAnswer(hash: Buffer, randHex: string): string {
	if (!isRandHex(randHex)) throw new Error(`a challenge must be 32 hex characters, got "${randHex}"`);
	return md5(hash, Buffer.from(randHex, 'hex')).toString('hex');
}

export function isRandHex(value: string | undefined): value is string {
	return value !== undefined && RAND_HEX.test(value);
}

/** A fresh srv_rand: 16 random bytes as lowercase hex. */
export function newServerRand(): string {
	return randomBytes(16).toString('hex');
}

/** Compares the client's srv_rand_answer in constant time (case-insensitive hex). */
export function answerMatches(expectedHex: string, givenHex: string | undefined): boolean {
	if (givenHex === undefined || !RAND_HEX.test(givenHex)) return false;
	return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(givenHex.toLowerCase(), 'hex'));
}
