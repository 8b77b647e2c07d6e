import { fail, ok, type BrokerResult } from './broker';

describe('BrokerResult helpers', () => {
  it('ok wraps a value', () => {
    const r: BrokerResult<number> = ok(3);
    expect(r).toEqual({ ok: true, value: 3 });
  });

  it('fail wraps a classified error', () => {
    const r: BrokerResult<number> = fail({ kind: 'rejected', code: 'BALANCE_NOT_ENOUGH', message: 'no' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ kind: 'rejected', code: 'BALANCE_NOT_ENOUGH', message: 'no' });
  });
});
