/** A decoded channel config shaped like the one `mallchain up` creates, for unit tests. */
import { ChannelConfig, ConfigGroup, ConfigPolicy } from '../config-types';

function sigPolicy(mspId: string, role: string): ConfigPolicy {
  return {
    mod_policy: 'Admins',
    version: '0',
    policy: {
      type: 1,
      value: {
        identities: [{ principal_classification: 'ROLE', principal: { msp_identifier: mspId, role } }],
        rule: { n_out_of: { n: 1, rules: [{ signed_by: 0 }] } },
        version: 0,
      },
    },
  };
}

function meta(rule: string, sub: string): ConfigPolicy {
  return { mod_policy: 'Admins', version: '0', policy: { type: 3, value: { rule, sub_policy: sub } } };
}

export function orgGroup(mspId: string, port = 7101): ConfigGroup {
  return {
    groups: {},
    mod_policy: 'Admins',
    version: '0',
    policies: {
      Admins: sigPolicy(mspId, 'ADMIN'),
      Endorsement: sigPolicy(mspId, 'PEER'),
      Readers: sigPolicy(mspId, 'MEMBER'),
    },
    values: {
      MSP: {
        mod_policy: 'Admins',
        version: '0',
        value: { type: 0, config: { name: mspId, root_certs: [], admins: [], revocation_list: [] } },
      },
      AnchorPeers: { mod_policy: 'Admins', version: '0', value: { anchor_peers: [{ host: '127.0.0.1', port }] } },
    },
  };
}

export function channelConfig(malls: readonly string[] = ['MallAMSP', 'MallBMSP']): ChannelConfig {
  const standard = {
    Admins: meta('MAJORITY', 'Admins'),
    Readers: meta('ANY', 'Readers'),
    Writers: meta('ANY', 'Writers'),
  };
  return {
    sequence: '0',
    channel_group: {
      mod_policy: 'Admins',
      version: '0',
      values: {},
      policies: standard,
      groups: {
        Application: {
          mod_policy: 'Admins',
          version: '0',
          values: {},
          policies: { ...standard, Endorsement: meta('MAJORITY', 'Endorsement') },
          groups: Object.fromEntries(malls.map((m, i) => [m, orgGroup(m, 7101 + 10 * i)])),
        },
        Orderer: {
          mod_policy: 'Admins',
          version: '0',
          policies: standard,
          values: {
            BatchTimeout: { mod_policy: 'Admins', version: '0', value: { timeout: '250ms' } },
            BatchSize: {
              mod_policy: 'Admins',
              version: '0',
              value: { max_message_count: 500, absolute_max_bytes: 10485760, preferred_max_bytes: 2097152 },
            },
          },
          groups: { OrdererOrg: orgGroup('OrdererMSP') },
        },
      },
    },
  };
}
