/**
 * An identity document from an n8n binary property (`POST /documents`, multipart: file, type,
 * applicant_id, side, issuing_country — onfido-node docs/DefaultApi.md uploadDocument). The body is
 * built here as one Buffer (lib/multipart) because community nodes may not import form-data.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { countryAlpha2 } from '../../../../lib/kyc';
import { buildMultipartBody } from '../../../../lib/multipart';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { onfidoRequest } from '../../transport';
import { fieldError, optionsCollection, readCountry, readIncludeRaw, readOnfidoId, readRequired, readText } from '../inputs';

/** [inference] Onfido's documented limit for document files is 10 MB; refused here before sending. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['document'], operation: ['upload'] } }, [
	{ displayName: 'Applicant ID', name: 'applicantId', type: 'string', required: true, default: '={{ $json.applicantId }}' },
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field containing the file (JPG, PNG or PDF)',
	},
	{
		displayName: 'Document Type',
		name: 'documentType',
		type: 'options',
		options: [
			{ name: 'Driving Licence', value: 'driving_licence' },
			{ name: 'National Identity Card', value: 'national_identity_card' },
			{ name: 'Passport', value: 'passport' },
			{ name: 'Residence Permit', value: 'residence_permit' },
			{ name: 'Unknown', value: 'unknown' },
		],
		default: 'passport',
	},
	{
		displayName: 'Side',
		name: 'side',
		type: 'options',
		options: [
			{ name: 'Not Applicable', value: '' },
			{ name: 'Front', value: 'front' },
			{ name: 'Back', value: 'back' },
		],
		default: '',
		description: 'Which side of a two-sided document (ID card, driving licence) the file shows',
	},
	{ displayName: 'Issuing Country', name: 'issuingCountry', type: 'string', default: '', placeholder: 'CY', description: 'Two- or three-letter ISO code of the country that issued the document' },
	optionsCollection(),
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readOnfidoId(this, itemIndex, 'applicantId', 'Applicant ID');
	const property = readRequired(this, itemIndex, 'binaryPropertyName', 'Input Binary Field', 'data');
	const type = readRequired(this, itemIndex, 'documentType', 'Document Type', 'passport');
	const side = readText(this, itemIndex, 'side');
	if (side !== '' && side !== 'front' && side !== 'back') throw fieldError(this, itemIndex, 'Side', `must be front, back or empty; it is "${side}"`);
	const country = readCountry(this, itemIndex, 'issuingCountry', 'Issuing Country');
	const binary = this.helpers.assertBinaryData(itemIndex, property);
	const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	if (data.length === 0) throw fieldError(this, itemIndex, 'Input Binary Field', `the file in "${property}" is empty`);
	if (data.length > MAX_FILE_BYTES) throw fieldError(this, itemIndex, 'Input Binary Field', `the file in "${property}" is larger than 10 MB, which Onfido refuses`);
	const fileName = binary.fileName || `document.${binary.fileExtension || 'jpg'}`;
	const multipart = buildMultipartBody(
		[
			['applicant_id', applicantId],
			['type', type],
			['side', side],
			['issuing_country', country],
		],
		[{ field: 'file', fileName, contentType: binary.mimeType || 'application/octet-stream', data }],
	);
	const document = await onfidoRequest<IDataObject>(this, {
		method: 'POST',
		path: '/documents',
		body: { raw: multipart.body, contentType: multipart.contentType },
		action: `upload the ${type} of applicant ${applicantId}`,
		policy: readRetryPolicy(this, itemIndex),
	});
	return {
		provider: 'onfido',
		documentId: String(document.id ?? ''),
		applicantId: String(document.applicant_id ?? applicantId),
		type: document.type ?? type,
		side: document.side ?? null,
		country: countryAlpha2(document.issuing_country) ?? null,
		fileName: document.file_name ?? fileName,
		fileType: document.file_type ?? null,
		fileSizeBytes: document.file_size ?? data.length,
		createdAtUtc: typeof document.created_at === 'string' ? new Date(document.created_at).toISOString() : null,
		...(readIncludeRaw(this, itemIndex) ? { raw: document } : {}),
	};
}
