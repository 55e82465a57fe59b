/**
 * CSV as cTrader's position reports send it (`/webserv/openPositions`, `/webserv/closedPositions`):
 * RFC 4180 — comma-separated, a header line, fields that contain a comma, a quote or a line break
 * are quoted and a quote inside is doubled. A symbol description or a comment may well contain a
 * comma, so splitting lines on "," would shift every column after it.
 */

/** The text is not valid CSV; `where` is "line 3" or "record 2". */
export class CsvError extends Error {
	constructor(
		message: string,
		readonly where: string,
	) {
		super(`${message} (${where})`);
		this.name = 'CsvError';
	}
}

/** Every record as its list of fields. Accepts CRLF or LF line ends and a UTF-8 byte-order mark. */
export function parseCsvRows(text: string): string[][] {
	const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	const rows: string[][] = [];
	let row: string[] = [];
	let field = '';
	let quoted = false;
	let fieldStarted = false;
	let line = 1;
	let quoteOpenedOnLine = 1;

	const endField = () => {
		row.push(field);
		field = '';
		fieldStarted = false;
	};
	const endRow = () => {
		endField();
		// A blank line (one empty field) carries no record.
		if (!(row.length === 1 && row[0] === '')) rows.push(row);
		row = [];
	};

	for (let i = 0; i < source.length; i++) {
		const char = source[i];
		if (quoted) {
			if (char === '"') {
				if (source[i + 1] === '"') {
					field += '"';
					i++;
				} else {
					quoted = false;
					const next = source[i + 1];
					if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
						throw new CsvError(`a quoted field is followed by "${next}" instead of a comma or a line end`, `line ${line}`);
					}
				}
			} else {
				if (char === '\n') line++;
				field += char;
			}
			continue;
		}
		if (char === '"') {
			if (fieldStarted) throw new CsvError('a quote appears inside an unquoted field', `line ${line}`);
			quoted = true;
			fieldStarted = true;
			quoteOpenedOnLine = line;
		} else if (char === ',') {
			endField();
		} else if (char === '\r') {
			if (source[i + 1] === '\n') i++;
			endRow();
			line++;
		} else if (char === '\n') {
			endRow();
			line++;
		} else {
			field += char;
			fieldStarted = true;
		}
	}
	if (quoted) throw new CsvError('a quoted field is never closed', `line ${quoteOpenedOnLine}`);
	if (fieldStarted || row.length > 0) endRow();
	return rows;
}

/**
 * Records keyed by the header's column names. Every record must have as many fields as the header,
 * and `requiredColumns` must all be present, so a changed report layout fails loudly.
 */
export function parseCsvRecords(text: string, requiredColumns: readonly string[] = []): Array<Record<string, string>> {
	const rows = parseCsvRows(text);
	if (rows.length === 0) {
		if (requiredColumns.length > 0) throw new CsvError('the report is empty: it has no header line', 'line 1');
		return [];
	}
	const header = rows[0].map((name) => name.trim());
	const missing = requiredColumns.filter((column) => !header.includes(column));
	if (missing.length > 0) throw new CsvError(`the report has no column ${missing.map((m) => `"${m}"`).join(', ')}`, 'the header');
	return rows.slice(1).map((fields, index) => {
		if (fields.length !== header.length) {
			throw new CsvError(`a record has ${fields.length} fields where the header has ${header.length}`, `record ${index + 1} after the header`);
		}
		return Object.fromEntries(header.map((name, column) => [name, fields[column]]));
	});
}
