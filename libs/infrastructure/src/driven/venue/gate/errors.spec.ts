import { beforeAll, describe, expect, it } from '@jest/globals';
import { REJECT } from '../reject-codes';
import { BROKER_CODE, classifyCcxtError, gateLabel, redact, type CallKind, type CcxtModule } from './errors';
import { loadCcxt } from './gate-client';

const body = (label: string) => `gate {"label":"${label}","message":"m"}`;

describe('classifyCcxtError', () => {
  let ccxt: CcxtModule;
  beforeAll(async () => {
    ccxt = await loadCcxt();
  });

  const cases: [string, (c: CcxtModule) => Error, CallKind, { kind: string; code: string; refusal?: string }][] = [
    ['bad key', (c) => new c.AuthenticationError(body('INVALID_KEY')), 'read', { kind: 'fatal', code: 'INVALID_KEY', refusal: 'auth' }],
    ['bad secret', (c) => new c.AuthenticationError(body('INVALID_SIGNATURE')), 'read', { kind: 'fatal', code: 'INVALID_SIGNATURE', refusal: 'auth' }],
    ['clock off', (c) => new c.AuthenticationError(body('REQUEST_EXPIRED')), 'create', { kind: 'fatal', code: 'REQUEST_EXPIRED', refusal: 'clock' }],
    ['permission', (c) => new c.PermissionDenied('gate denied'), 'create', { kind: 'fatal', code: BROKER_CODE.AUTH, refusal: 'auth' }],
    ['balance', (c) => new c.InsufficientFunds(body('BALANCE_NOT_ENOUGH')), 'create', { kind: 'rejected', code: REJECT.BALANCE }],
    ['unknown client id', (c) => new c.OrderNotFound(body('CLIENT_ID_NOT_FOUND')), 'read', { kind: 'rejected', code: REJECT.NOT_FOUND }],
    ['order closed', (c) => new c.InvalidOrder(body('ORDER_CLOSED')), 'cancel', { kind: 'rejected', code: 'ORDER_CLOSED' }],
    ['min base', (c) => new c.InvalidOrder(body('AMOUNT_TOO_LITTLE')), 'create', { kind: 'rejected', code: REJECT.MIN_BASE }],
    ['min notional', (c) => new c.BadRequest(body('INVALID_PARAM_VALUE')), 'create', { kind: 'rejected', code: REJECT.MIN_NOTIONAL }],
    ['bad symbol', (c) => new c.BadSymbol('gate does not have market symbol X/Y'), 'read', { kind: 'rejected', code: REJECT.UNKNOWN_SYMBOL }],
    ['429 on read', (c) => new c.RateLimitExceeded(body('TOO_MANY_REQUESTS')), 'read', { kind: 'retryable', code: BROKER_CODE.RATE_LIMITED }],
    ['429 on create', (c) => new c.RateLimitExceeded('429'), 'create', { kind: 'retryable', code: BROKER_CODE.RATE_LIMITED }],
    ['timeout on read', (c) => new c.RequestTimeout('timed out'), 'read', { kind: 'retryable', code: BROKER_CODE.TIMEOUT }],
    ['timeout on create', (c) => new c.RequestTimeout('timed out'), 'create', { kind: 'ambiguous', code: BROKER_CODE.TIMEOUT }],
    ['5xx on cancel', (c) => new c.ExchangeNotAvailable('502'), 'cancel', { kind: 'retryable', code: BROKER_CODE.UNAVAILABLE }],
    ['5xx on create', (c) => new c.ExchangeNotAvailable('502'), 'create', { kind: 'ambiguous', code: BROKER_CODE.UNAVAILABLE }],
    ['maintenance on create', (c) => new c.OnMaintenance('503'), 'create', { kind: 'ambiguous', code: BROKER_CODE.UNAVAILABLE }],
    ['reset on create', (c) => new c.NetworkError('socket hang up'), 'create', { kind: 'ambiguous', code: BROKER_CODE.NETWORK }],
    ['not supported', (c) => new c.NotSupported('no'), 'read', { kind: 'fatal', code: BROKER_CODE.CONFIG }],
    ['other label', (c) => new c.ExchangeError(body('SOMETHING_NEW')), 'create', { kind: 'rejected', code: 'SOMETHING_NEW' }],
  ];

  it.each(cases)('%s', (_name, make, kind, expected) => {
    expect(classifyCcxtError(make(ccxt), ccxt, kind)).toMatchObject(expected);
  });

  it('rethrows what is not a ccxt error: that is a bug', () => {
    const bug = new TypeError('x is undefined');
    expect(() => classifyCcxtError(bug, ccxt, 'read')).toThrow(bug);
  });

  it('on a create, an answer it cannot read is ambiguous, never fatal or an exception', () => {
    for (const err of [
      new ccxt.BadResponse('gate <html>…</html>'),
      new ccxt.NullResponse('gate null'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
    ]) {
      expect(classifyCcxtError(err, ccxt, 'create')).toMatchObject({ kind: 'ambiguous', code: 'BAD_RESPONSE' });
    }
    expect(classifyCcxtError(new ccxt.BadResponse('gate <html>'), ccxt, 'read')).toMatchObject({ kind: 'retryable', code: 'BAD_RESPONSE' });
  });

  it('redacts secrets from the message', () => {
    const e = classifyCcxtError(new ccxt.AuthenticationError('gate key abcd1234 secret s3cr3t-value'), ccxt, 'read', ['abcd1234', 's3cr3t-value']);
    expect(e.message).toBe('gate key [REDACTED] secret [REDACTED]');
  });
});

describe('helpers', () => {
  it('gateLabel reads the label from ccxt messages', () => {
    expect(gateLabel(body('ORDER_NOT_FOUND'))).toBe('ORDER_NOT_FOUND');
    expect(gateLabel('gate GET http://x 503 Service Unavailable')).toBeUndefined();
    expect(gateLabel('gate {not json')).toBeUndefined();
  });

  it('redact leaves short strings alone (an empty key must not erase the message)', () => {
    expect(redact('abc', ['', 'b'])).toBe('abc');
  });
});
