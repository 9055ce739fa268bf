import { alreadyApproved, validateSignaturePolicy } from './lifecycle';

describe('endorsement policy validation', () => {
  const malls = ['MallAMSP', 'MallBMSP', 'MallCMSP'];

  it('accepts AND/OR/OutOf over the channel malls', () => {
    expect(() => {
      validateSignaturePolicy("OR('MallAMSP.peer', 'MallBMSP.peer')", malls);
      validateSignaturePolicy("OutOf(2, 'MallAMSP.peer', 'MallBMSP.peer', 'MallCMSP.peer')", malls);
    }).not.toThrow();
  });

  it('names an unknown organisation', () => {
    expect(() => {
      validateSignaturePolicy("AND('MallAMSP.peer', 'MallZMSP.peer')", malls);
    }).toThrow('names MallZMSP, not a mall of the channel');
  });

  it('refuses text that is not a signature policy', () => {
    expect(() => {
      validateSignaturePolicy('MAJORITY Endorsement', malls);
    }).toThrow('must be AND(...), OR(...) or OutOf(n, ...)');
    expect(() => {
      validateSignaturePolicy('OR(nobody)', malls);
    }).toThrow("names no principal such as 'MallAMSP.peer'");
  });
});

describe('whether an org must approve a definition again', () => {
  const def = { sequence: 2, packageId: 'mallchain_1.0.0_2:abc' };

  it('skips an approval that already is this definition (a repeat would write nothing and be invalidated)', () => {
    expect(alreadyApproved({ sequence: 2, version: '1.0.0', packageId: 'mallchain_1.0.0_2:abc' }, def)).toBe(true);
  });

  it('approves when the org approved nothing, another sequence, or another package', () => {
    expect(alreadyApproved(null, def)).toBe(false);
    expect(alreadyApproved({ sequence: 1, version: '1.0.0', packageId: 'mallchain_1.0.0_2:abc' }, def)).toBe(false);
    expect(alreadyApproved({ sequence: 2, version: '1.0.0', packageId: 'mallchain_1.0.0_2:other' }, def)).toBe(false);
  });
});
