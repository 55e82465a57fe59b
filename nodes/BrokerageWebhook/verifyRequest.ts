/**
 * The Brokerage Webhook Trigger's checks, in the order a forged call should fail them: source IP,
 * signature over the exact raw body (current or previous secret), timestamp window, replay. Pure:
 * the node passes in what it read from the request and its parameters.
 */
import { attempt } from '../../lib/errors';
import { parseAllowList } from '../../lib/ipAllowList';
import type { ReplayGuard } from '../../lib/replayGuard';
import {
	verifyHmac,
	verifyTimestampedHeader,
	WebhookSignatureError,
	type DigestEncoding,
	type HmacAlgorithm,
} from '../../lib/signatures';

export type SignatureFormat = 'plain' | 'timestampHeader' | 'stripeStyle';

export interface VerificationSettings {
	signatureHeader: string;
	format: SignatureFormat;
	algorithm: HmacAlgorithm;
	encoding: DigestEncoding;
	/** Text before the digest in the header, e.g. "sha256=" (GitHub style). */
	prefix: string;
	/** For the timestampHeader format: the header carrying the Unix time that is signed with the body. */
	timestampHeader: string;
	toleranceSeconds: number;
	ipAllowList: string;
	rejectReplays: boolean;
}

export interface IncomingRequest {
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer;
	sourceIp: string | undefined;
}

export type Verdict =
	| { accepted: true; secretUsed: 'current' | 'previous'; signedAtUtc?: string }
	| { accepted: false; reason: string; message: string };

function header(request: IncomingRequest, name: string): string | undefined {
	const value = request.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

function checkSignature(settings: VerificationSettings, request: IncomingRequest, secrets: string[], nowMs: number) {
	if (settings.format === 'stripeStyle') {
		const match = verifyTimestampedHeader({
			rawBody: request.rawBody,
			header: header(request, settings.signatureHeader),
			headerName: settings.signatureHeader,
			secrets,
			toleranceSeconds: settings.toleranceSeconds,
			nowMs,
		});
		return { secretIndex: match.secretIndex, timestampSeconds: match.timestampSeconds };
	}
	const timestamp =
		settings.format === 'timestampHeader'
			? {
					value: header(request, settings.timestampHeader),
					toleranceSeconds: settings.toleranceSeconds,
					nowMs,
					label: settings.timestampHeader,
				}
			: undefined;
	const match = verifyHmac({
		rawBody: request.rawBody,
		signature: header(request, settings.signatureHeader),
		signatureHeader: settings.signatureHeader,
		secrets,
		algorithm: settings.algorithm,
		encoding: settings.encoding,
		prefix: settings.prefix || undefined,
		timestamp,
		signedPayload: timestamp ? (t, body) => Buffer.concat([Buffer.from(`${t}.`), Buffer.from(body)]) : undefined,
	});
	const seconds = timestamp ? Number(timestamp.value) : undefined;
	return { secretIndex: match.secretIndex, timestampSeconds: seconds && seconds > 1e10 ? seconds / 1000 : seconds };
}

export function verifyRequest(
	settings: VerificationSettings,
	request: IncomingRequest,
	secrets: string[],
	replayGuard: ReplayGuard,
	replayScope: string,
	nowMs = Date.now(),
): Verdict {
	const allowed = parseAllowList(settings.ipAllowList);
	if (!allowed(request.sourceIp)) {
		return {
			accepted: false,
			reason: 'ip_not_allowed',
			message: `The request came from ${request.sourceIp ?? 'an unknown address'}, which is not in the IP allow-list.`,
		};
	}
	const checked = attempt(() => checkSignature(settings, request, secrets, nowMs));
	if (!checked.ok) {
		const error = checked.error;
		return error instanceof WebhookSignatureError
			? { accepted: false, reason: error.reason, message: error.message }
			: { accepted: false, reason: 'invalid', message: error.message };
	}
	if (settings.rejectReplays) {
		const signature = header(request, settings.signatureHeader) ?? '';
		// Kept for twice the window: a replay later than that fails the timestamp check anyway.
		const ttlMs = Math.max(settings.toleranceSeconds, 60) * 2000;
		if (!replayGuard.firstSeen(`${replayScope}:${signature}`, ttlMs)) {
			return {
				accepted: false,
				reason: 'replayed',
				message: 'This exact signed request was already received: it is a replay and was not run again.',
			};
		}
	}
	const { secretIndex, timestampSeconds } = checked.value;
	return {
		accepted: true,
		secretUsed: secretIndex === 0 ? 'current' : 'previous',
		signedAtUtc: timestampSeconds ? new Date(timestampSeconds * 1000).toISOString() : undefined,
	};
}
