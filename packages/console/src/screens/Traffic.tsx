import type { ReactNode } from 'react';

/** Traffic: placeholder until the traffic read routes land. */
export function TrafficScreen(): ReactNode {
  return <p>Traffic.</p>;
}
