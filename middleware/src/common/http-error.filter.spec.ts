import { ERROR_CODES } from '@mallchain/error-codes';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChaincodeRejectedError } from '../ledger/ledger.port';
import { HttpErrorFilter, chaincodeHttpStatus } from './http-error.filter';

/** The registry as the chaincode's own source declares it: `CODE: { http: NNN, ...` per entry. */
function sourceRegistry(): Record<string, number> {
  const text = readFileSync(join(__dirname, '..', '..', '..', 'chaincode', 'src', 'common', 'codes.ts'), 'utf8');
  const body = text.slice(text.indexOf('export const ERROR_CODES'), text.indexOf('} as const satisfies'));
  const out: Record<string, number> = {};
  for (const m of body.matchAll(/^ {2}([A-Z][A-Z0-9_]*): \{\s*http: (\d{3}),/gm)) out[m[1] ?? ''] = Number(m[2]);
  return out;
}

describe('chaincode refusals map through the chaincode registry', () => {
  const filter = new HttpErrorFilter();

  it('answers every registry code with the status the registry declares', () => {
    const codes = Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[];
    expect(codes.length).toBeGreaterThan(30);
    for (const code of codes) {
      const body = filter.toBody(new ChaincodeRejectedError(code, 'detail'));
      expect({ code, status: body.statusCode, error: body.error }).toEqual({
        code,
        status: ERROR_CODES[code].http,
        error: code,
      });
    }
  });

  it('uses the registry the chaincode source declares (the package is not a stale copy)', () => {
    const fromPackage = Object.fromEntries(Object.entries(ERROR_CODES).map(([code, info]) => [code, info.http]));
    expect(fromPackage).toEqual(sourceRegistry());
  });

  it('no longer guesses from prefixes: codes the old regexes got wrong answer their declared status', () => {
    // The prefix table answered 422 for all of these.
    expect(chaincodeHttpStatus('DEVICE_SEQ')).toBe(409);
    expect(chaincodeHttpStatus('POINTS_NONCE_REPLAYED')).toBe(409);
    expect(chaincodeHttpStatus('JOINTSTATS_UNKNOWN_ROUND')).toBe(404);
    expect(chaincodeHttpStatus('JOINTSTATS_NOT_PARTICIPANT')).toBe(403);
    expect(chaincodeHttpStatus('JOINTSTATS_SHAPE')).toBe(400);
    // and a prefix alone no longer makes a code: INPUT_ something unknown is not a 400.
    expect(chaincodeHttpStatus('INPUT_SOMETHING_NEW')).toBe(502);
  });

  it('answers 502 naming the code for a code the registry does not know', () => {
    const body = filter.toBody(new ChaincodeRejectedError('CHAINCODE_ERROR', 'GET_STATE failed'));
    expect(body).toEqual({ statusCode: 502, error: 'CHAINCODE_ERROR', message: 'CHAINCODE_ERROR: GET_STATE failed' });
  });
});
