// Caliper glue: binds a scenario of scenarios.ts (TypeScript, transpiled on require) to Caliper's Fabric adapter.
require('../bench/ts-register.js');
const path = require('node:path');
// The Caliper that runs this module (run.sh installs it outside the repository and names it here).
const modules = process.env.MALLCHAIN_CALIPER_MODULES;
if (!modules) throw new Error('MALLCHAIN_CALIPER_MODULES is not set: run the benchmark with npm run bench:caliper');
const { WorkloadModuleBase } = require(path.join(modules, '@hyperledger', 'caliper-core'));
const { scenario } = require('./scenarios.ts');

class MallchainWorkload extends WorkloadModuleBase {
  async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
    await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
    this.contractId = roundArguments.chaincode || 'mallchain';
    this.scenario = scenario(roundArguments);
    // Preparation transactions are checked: a round on a half-made world would measure refusals.
    await this.scenario.prepare(async (call) => {
      const status = await this.sutAdapter.sendRequests(this.request(call));
      if (status.GetStatus() !== 'success')
        throw new Error(`prepare ${call.fn} failed: ${String(status.GetErrMsg?.() ?? '')}`);
      const result = status.GetResult();
      return result && result.length > 0 ? JSON.parse(Buffer.from(result).toString('utf8')) : undefined;
    });
  }

  request(call) {
    return {
      contractId: this.contractId,
      channel: this.roundArguments.channel,
      contractFunction: call.fn,
      contractArguments: [JSON.stringify(call.request)],
      invokerMspId: call.msp || 'MallAMSP',
      invokerIdentity: call.identity || 'User1',
      readOnly: call.readOnly === true,
    };
  }

  async submitTransaction() {
    await this.sutAdapter.sendRequests(this.request(this.scenario.next()));
  }
}

module.exports.createWorkloadModule = () => new MallchainWorkload();
