import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { countryAlpha2 } from '../../../../lib/kyc';
import { readRetryPolicy } from '../../../../lib/retryOptions';
import { objectOf, segment, sumsubRequest } from '../../transport';
import { multipartBody } from '../../transport/signing';
import { applicantIdField, fieldError, includeRawOption, readApplicantId, readCountry, readDate, readOptions, readText, requireText } from '../inputs';

const show = { resource: ['document'], operation: ['add'] };

/** Sumsub idDocType values (docs.sumsub.com/reference/add-id-documents). */
const DOCUMENT_TYPES = [
	{ name: 'Bank Statement', value: 'BANK_STATEMENT' },
	{ name: 'Driving Licence', value: 'DRIVERS' },
	{ name: 'ID Card', value: 'ID_CARD' },
	{ name: 'Other', value: 'OTHER' },
	{ name: 'Passport', value: 'PASSPORT' },
	{ name: 'Residence Permit', value: 'RESIDENCE_PERMIT' },
	{ name: 'Selfie', value: 'SELFIE' },
	{ name: 'Utility Bill', value: 'UTILITY_BILL' },
];

export const description: INodeProperties[] = updateDisplayOptions({ show }, [
	applicantIdField,
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		description: 'The binary field of the input item that holds the image or PDF',
	},
	{ displayName: 'Document Type', name: 'idDocType', type: 'options', options: DOCUMENT_TYPES, default: 'PASSPORT' },
	{
		displayName: 'Issuing Country',
		name: 'country',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'GB',
		description: 'ISO country code with two or three letters; Sumsub receives the three-letter code',
	},
	{
		displayName: 'Side',
		name: 'side',
		type: 'options',
		options: [
			{ name: 'Single Page or Unknown', value: 'none' },
			{ name: 'Front Side', value: 'FRONT_SIDE' },
			{ name: 'Back Side', value: 'BACK_SIDE' },
		],
		default: 'none',
		description: 'For two-sided documents (ID cards, driving licences) upload both sides, the back after the front',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Document Number', name: 'number', type: 'string', default: '' },
			{ displayName: 'Expiry Date', name: 'validUntil', type: 'string', default: '', placeholder: '2030-12-31', description: 'As YYYY-MM-DD' },
			includeRawOption,
			{
				displayName: 'Return Document Warnings',
				name: 'returnWarnings',
				type: 'boolean',
				default: true,
				description: 'Whether Sumsub should say at once if the image is unreadable or unacceptable (X-Return-Doc-Warnings). An image with errors is marked inactive and must be uploaded again.',
			},
		],
	},
]);

/**
 * POST /resources/applicants/{id}/info/idDoc, multipart: `metadata` (JSON) and `content` (the file).
 * The body is built here as one Buffer so the signature covers exactly the bytes sent.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const applicantId = readApplicantId(this, itemIndex);
	const binaryPropertyName = requireText(this, itemIndex, 'binaryPropertyName', 'Input Binary Field', 'data');
	const idDocType = readText(this, itemIndex, 'idDocType', 'PASSPORT');
	const country = readCountry(this, itemIndex, 'country', 'Issuing Country', true) as string;
	const side = readText(this, itemIndex, 'side', 'none');
	const options = readOptions(this, itemIndex);
	const validUntil = readDate(this, itemIndex, options.validUntil, 'Options → Expiry Date');

	const item = this.getInputData()[itemIndex];
	if (!item?.binary?.[binaryPropertyName]) {
		const available = Object.keys(item?.binary ?? {});
		throw fieldError(this, itemIndex, 'Input Binary Field', `the input item has no binary field "${binaryPropertyName}"${available.length ? ` (it has: ${available.join(', ')})` : ' (it has no binary data; read the file first, e.g. with an HTTP Request or Read File node)'}`);
	}
	const binary = this.helpers.assertBinaryData(itemIndex, binaryPropertyName);
	const content = await this.helpers.getBinaryDataBuffer(itemIndex, binaryPropertyName);
	if (content.length === 0) throw fieldError(this, itemIndex, 'Input Binary Field', `the file in "${binaryPropertyName}" is empty`);

	const metadata: IDataObject = {
		idDocType,
		country,
		...(side !== 'none' ? { idDocSubType: side } : {}),
		...(validUntil ? { validUntil } : {}),
		...(typeof options.number === 'string' && options.number.trim() ? { number: options.number.trim() } : {}),
	};
	const fileName = (binary.fileName ?? `${idDocType.toLowerCase()}`).replace(/["\r\n]/g, '_');
	const multipart = multipartBody([
		{ field: 'metadata', content: JSON.stringify(metadata) },
		{ field: 'content', content, fileName, contentType: binary.mimeType || 'application/octet-stream' },
	]);
	const returnWarnings = options.returnWarnings !== false;
	const response = await sumsubRequest(this, {
		method: 'POST',
		path: `/resources/applicants/${segment(applicantId)}/info/idDoc`,
		body: multipart.body,
		contentType: multipart.contentType,
		headers: returnWarnings ? { 'X-Return-Doc-Warnings': 'true' } : {},
		// An upload sent twice adds the image twice (or Sumsub refuses it as a duplicate): never blind.
		idempotent: false,
		action: `add the ${idDocType} of applicant ${applicantId}`,
		policy: readRetryPolicy(this, itemIndex),
		itemIndex,
	});
	const answer = objectOf(response);
	const imageHeader = Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'x-image-id')?.[1];
	const errors = Array.isArray(answer.errors) ? answer.errors : [];
	const warnings = Array.isArray(answer.warnings) ? answer.warnings : [];
	const expiresOn = typeof answer.validUntil === 'string' ? answer.validUntil.slice(0, 10) : validUntil;
	return {
		applicantId,
		imageId: imageHeader === undefined ? null : String(imageHeader),
		document: {
			type: String(answer.idDocType ?? idDocType),
			country: countryAlpha2(answer.country ?? country) ?? null,
			...(side !== 'none' ? { side } : {}),
			...(expiresOn ? { expiresOn } : {}),
		},
		// Sumsub marks an image with errors inactive: it does not count until a better one is uploaded.
		accepted: errors.length === 0,
		errors,
		warnings,
		...(options.includeRaw ? { raw: answer } : {}),
	};
}
