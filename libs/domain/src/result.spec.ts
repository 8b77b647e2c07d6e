import { err, ok, type Result } from './result';

describe('Result', () => {
  it('ok carries the value, err carries the error, and `ok` narrows which one is there', () => {
    const parse = (s: string): Result<number, { code: string }> => (/^\d+$/.test(s) ? ok(Number(s)) : err({ code: 'NOT_A_NUMBER' }));
    expect(parse('42')).toEqual({ ok: true, value: 42 });
    expect(parse('x')).toEqual({ ok: false, error: { code: 'NOT_A_NUMBER' } });
    const r = parse('x');
    expect(r.ok ? r.value : r.error.code).toBe('NOT_A_NUMBER');
  });
});
