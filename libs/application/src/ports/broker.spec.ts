import { dec, str } from '@cab/domain';
import { fail, ok, type BrokerResult } from './broker';

describe('BrokerResult helpers', () => {
  it('ok carries the value, fail the classified error', () => {
    const good: BrokerResult<string> = ok('x');
    const bad: BrokerResult<string> = fail({ kind: 'ambiguous', code: 'BROKER.TIMEOUT', message: 'no answer in 30 s' });
    expect(good).toEqual({ ok: true, value: 'x' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.kind).toBe('ambiguous');
  });

  it('narrows on ok, so a caller cannot read a value that is not there', () => {
    const r: BrokerResult<{ spent: ReturnType<typeof dec> }> = ok({ spent: dec('25') });
    const spent = r.ok ? str(r.value.spent) : 'none';
    expect(spent).toBe('25');
  });
});
