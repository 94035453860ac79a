import { validateEnv } from './env.validation';

describe('validateEnv: write rates', () => {
  it('takes fractional write rates, globally and per scope', () => {
    const env = validateEnv({
      RATE_LIMIT_WRITE_RATE: '0.5',
      RATE_LIMIT_SCOPES: 'sessions=60:0.25,scores.write=100:2',
    });
    expect(env.RATE_LIMIT_WRITE_RATE).toBe(0.5);
    expect(env.RATE_LIMIT_SCOPES).toBe('sessions=60:0.25,scores.write=100:2');
    expect(validateEnv({}).RATE_LIMIT_WRITE_RATE).toBe(500);
  });

  it.each(['0', '0.0', '-1', 'abc', '1e3', '1.5.2'])(
    'stops at RATE_LIMIT_WRITE_RATE=%j, naming it',
    (value) => {
      expect(() => validateEnv({ RATE_LIMIT_WRITE_RATE: value })).toThrow(/RATE_LIMIT_WRITE_RATE=/);
    },
  );

  it.each(['sessions=60:', 'sessions=60:-1', 'sessions=1.5:2', 'a=1:1,b'])(
    'stops at RATE_LIMIT_SCOPES=%j, naming it',
    (value) => {
      expect(() => validateEnv({ RATE_LIMIT_SCOPES: value })).toThrow(/RATE_LIMIT_SCOPES=/);
    },
  );
});
