/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string;
  fileName: string | null;
  data: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Splits a buffered multipart/form-data body (RFC 7578) into its parts; null when it is not one. Enough for one
 * file and a few fields of a few megabytes, which is all the hour import takes, without another dependency.
 */
export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!m) return null;
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  const next = Buffer.concat([CRLF, delimiter]);
  let pos = body.indexOf(delimiter);
  if (pos < 0) return null;
  const parts: FormPart[] = [];
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts;
    const headerEnd = body.indexOf(HEADER_END, pos);
    if (headerEnd < 0) return null;
    const end = body.indexOf(next, headerEnd + HEADER_END.length);
    if (end < 0) return null;
    const headers = body.subarray(pos, headerEnd).toString('utf8');
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null;
    if (name !== undefined) parts.push({ name, fileName, data: body.subarray(headerEnd + HEADER_END.length, end) });
    pos = end + CRLF.length;
  }
}
