/**
 * Bytes → text for uploaded skill standards, with encoding detection.
 *
 * Pure (TextDecoder only). Order of checks, most specific first:
 *   1. spreadsheet signatures (XLSX/ODS are ZIP files, legacy XLS is OLE2): the user uploaded the
 *      workbook instead of a CSV, so tell them how to export one;
 *   2. byte-order marks (UTF-8, UTF-16 LE/BE): unambiguous, Excel's "CSV UTF-8" writes the UTF-8 BOM;
 *   3. NUL bytes without a UTF-16 BOM: a binary file (text never contains NUL);
 *   4. strict UTF-8 (pure ASCII is UTF-8 too);
 *   5. Shift_JIS (WHATWG "shift_jis" = Windows-31J/CP932, what Japanese Excel's plain "CSV" writes),
 *      accepted with a warning because such files lose characters outside CP932.
 */

export type TextEncodingName = 'UTF-8' | 'UTF-8 (BOM)' | 'UTF-16LE' | 'UTF-16BE' | 'Shift_JIS'

export type DecodeResult =
  { ok: true; text: string; encoding: TextEncodingName; warnings: string[] } | { ok: false; reason: string }

export const SAVE_AS_CSV_UTF8 =
  'this is an Excel/spreadsheet workbook, not a CSV file: in Excel choose File → Save As → "CSV UTF-8 (Comma delimited) (*.csv)" and upload that file'

export const SHIFT_JIS_WARNING =
  'converted from Shift_JIS (Excel "CSV" export); save as "CSV UTF-8" to skip this'

function startsWith(bytes: Uint8Array, signature: ReadonlyArray<number>): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b)
}

/** ZIP local file header (XLSX, XLSM, ODS) or OLE2 compound file (legacy XLS). */
export function isSpreadsheetSignature(bytes: Uint8Array): boolean {
  return (
    startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) ||
    startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
  )
}

/** Strict decode: undefined instead of U+FFFD replacement characters when the bytes do not fit. */
function tryDecode(label: string, bytes: Uint8Array): string | undefined {
  try {
    // ignoreBOM: the caller strips BOMs itself, so a second BOM stays visible (and is rejected later).
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return undefined
  }
}

const BINARY = 'binary file: upload a CSV (UTF-8 or Shift_JIS text) or a JSON file'

function finish(text: string | undefined, encoding: TextEncodingName, warnings: string[] = []): DecodeResult {
  if (text === undefined) return { ok: false, reason: `not valid ${encoding} text` }
  // Some binaries decode "successfully" as UTF-16 or Shift_JIS; NUL never appears in real text.
  if (text.includes('\u0000')) return { ok: false, reason: BINARY }
  return { ok: true, text, encoding, warnings }
}

/** Decodes an uploaded file. Never throws; `reason` is a user-facing sentence. */
export function decodeUpload(bytes: Uint8Array): DecodeResult {
  if (isSpreadsheetSignature(bytes)) return { ok: false, reason: SAVE_AS_CSV_UTF8 }
  if (startsWith(bytes, [0xef, 0xbb, 0xbf]))
    return finish(tryDecode('utf-8', bytes.subarray(3)), 'UTF-8 (BOM)')
  if (startsWith(bytes, [0xff, 0xfe])) return finish(tryDecode('utf-16le', bytes.subarray(2)), 'UTF-16LE')
  if (startsWith(bytes, [0xfe, 0xff])) return finish(tryDecode('utf-16be', bytes.subarray(2)), 'UTF-16BE')
  if (bytes.includes(0)) return { ok: false, reason: BINARY }
  const utf8 = tryDecode('utf-8', bytes)
  if (utf8 !== undefined) return finish(utf8, 'UTF-8')
  const sjis = tryDecode('shift_jis', bytes)
  if (sjis !== undefined) return finish(sjis, 'Shift_JIS', [SHIFT_JIS_WARNING])
  return {
    ok: false,
    reason: 'not UTF-8 or Shift_JIS text: save the file as "CSV UTF-8" and upload it again',
  }
}
