import { FabricTools } from './fabric';
import { NetworkPaths } from './paths';
import { Progress } from './progress';
import { Topology } from './topology';

/**
 * What an operation on one network and one of its channels needs: the Fabric binaries, where the network's files
 * are, its shape, the channel, and where to report progress. Passed as one object instead of positional lists;
 * functions that need less take a `Pick` of it.
 */
export interface NetworkContext {
  readonly tools: FabricTools;
  readonly paths: NetworkPaths;
  readonly topology: Topology;
  readonly channel: string;
  readonly progress: Progress;
}

/** The binaries and the network's files: enough to run a CLI against one of its nodes. */
export type NodeContext = Pick<NetworkContext, 'tools' | 'paths'>;

/** {@link NodeContext} and a channel: enough for channel queries against one node. */
export type ChannelContext = Pick<NetworkContext, 'tools' | 'paths' | 'channel'>;
