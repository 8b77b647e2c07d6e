import { Fifo } from './fifo';

describe('Fifo', () => {
  it('keeps order across compactions and reports its length', () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      q.push(i);
      if (i % 3 === 0) out.push(q.shift() as number);
    }
    expect(q.length).toBe(5_000 - out.length);
    for (let x = q.shift(); x !== undefined; x = q.shift()) out.push(x);
    expect(out).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
  });

  it('clear empties it', () => {
    const q = new Fifo<string>();
    q.push('a');
    q.clear();
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
  });
});
