import { channelConfig } from './__fixtures__/channel-config';
import { describeMissing, evaluatePolicy, implicitMetaThreshold, Signer } from './policy';

const admin = (mspId: string): Signer => ({ mspId, role: 'admin', subject: `Admin@${mspId}` });
const client = (mspId: string): Signer => ({ mspId, role: 'client', subject: `User1@${mspId}` });

describe('policy evaluation', () => {
  const two = channelConfig().channel_group;
  const three = channelConfig(['MallAMSP', 'MallBMSP', 'MallCMSP']).channel_group;

  it('computes Fabric thresholds for ImplicitMeta rules', () => {
    expect([1, 2, 3, 4, 5].map((n) => implicitMetaThreshold('MAJORITY', n))).toEqual([1, 2, 2, 3, 3]);
    expect(implicitMetaThreshold('ANY', 4)).toBe(1);
    expect(implicitMetaThreshold('ALL', 4)).toBe(4);
  });

  it('needs both admins of a two-mall channel and names the missing one', () => {
    const e = evaluatePolicy(two, '/Channel/Application/Admins', [admin('MallAMSP')]);
    expect(e.satisfied).toBe(false);
    expect(e.missing).toEqual(['MallBMSP']);
    expect(e.stillNeeded).toBe(1);
    expect(describeMissing(e)).toBe(
      '/Channel/Application/Admins (MAJORITY Admins of MallAMSP, MallBMSP (2 needed)) still needs signatures of the Admins of MallBMSP',
    );
    expect(evaluatePolicy(two, '/Channel/Application/Admins', [admin('MallAMSP'), admin('MallBMSP')]).satisfied).toBe(
      true,
    );
  });

  it('accepts any two of three admins, and says how many more of whom are needed', () => {
    expect(evaluatePolicy(three, '/Channel/Application/Admins', [admin('MallCMSP'), admin('MallAMSP')]).satisfied).toBe(
      true,
    );
    const e = evaluatePolicy(three, '/Channel/Application/Admins', [admin('MallBMSP')]);
    expect(e.missing).toEqual(['MallAMSP', 'MallCMSP']);
    expect(describeMissing(e)).toContain('1 more of MallAMSP, MallCMSP');
  });

  it('does not count a client signature toward an admin policy', () => {
    const e = evaluatePolicy(two, '/Channel/Application/Admins', [admin('MallAMSP'), client('MallBMSP')]);
    expect(e.satisfied).toBe(false);
    expect(e.missing).toEqual(['MallBMSP']);
  });

  it('lets a MEMBER principal match any role of that MSP but not another MSP', () => {
    expect(evaluatePolicy(two, '/Channel/Application/MallAMSP/Readers', [client('MallAMSP')]).satisfied).toBe(true);
    const e = evaluatePolicy(two, '/Channel/Application/MallAMSP/Readers', [client('MallBMSP')]);
    expect(e).toMatchObject({ satisfied: false, missing: ['MallAMSP.member'] });
    expect(describeMissing(e)).toContain('a signature by MallAMSP.member');
  });

  it('requires the orderer org admin for orderer parameters', () => {
    expect(evaluatePolicy(two, '/Channel/Orderer/Admins', [admin('MallAMSP'), admin('MallBMSP')]).missing).toEqual([
      'OrdererOrg',
    ]);
    expect(evaluatePolicy(two, '/Channel/Orderer/Admins', [admin('OrdererMSP')]).satisfied).toBe(true);
  });

  it('refuses a policy path that does not exist or is not absolute', () => {
    expect(() => evaluatePolicy(two, '/Channel/Application/Nobody', [])).toThrow(
      'NOT_FOUND: the channel config has no policy /Channel/Application/Nobody',
    );
    expect(() => evaluatePolicy(two, 'Application/Admins', [])).toThrow('is not an absolute policy path');
  });
});
