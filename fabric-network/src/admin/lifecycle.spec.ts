import { validateSignaturePolicy } from './lifecycle';

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
