import { type ReactNode, useEffect, useRef, useState } from 'react';
import { storedKey, storeKey } from './api';
import { ConsortiumScreen } from './screens/Consortium';
import { DevicesScreen } from './screens/Devices';
import { IntakeScreen } from './screens/Intake';
import { JointStatsScreen } from './screens/JointStats';
import { NetworkScreen } from './screens/Network';
import { PointsScreen } from './screens/Points';
import { TrafficScreen } from './screens/Traffic';

const SCREENS = [
  { path: 'intake', title: 'Intake flow', screen: IntakeScreen },
  { path: 'devices', title: 'Devices', screen: DevicesScreen },
  { path: 'points', title: 'Points', screen: PointsScreen },
  { path: 'network', title: 'Network', screen: NetworkScreen },
  { path: 'traffic', title: 'Traffic', screen: TrafficScreen },
  { path: 'consortium', title: 'Consortium', screen: ConsortiumScreen },
  { path: 'jointstats', title: 'Joint statistics', screen: JointStatsScreen },
] as const;

function currentPath(): string {
  const p = window.location.hash.replace(/^#\/?/, '');
  return SCREENS.some((s) => s.path === p) ? p : 'intake';
}

function SignIn({ onKey }: { onKey: (k: string) => void }): ReactNode {
  const [key, setKey] = useState('');
  return (
    <main className="signin">
      <h1>mallchain console</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim() !== '') onKey(key.trim());
        }}
      >
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(e) => {
            setKey(e.target.value);
          }}
          required
          autoFocus
        />
        <button type="submit">Sign in</button>
        <p className="hint">
          The key is kept in this tab only (sessionStorage) and sent as <code>X-Api-Key</code>. Each screen needs the
          scopes of the routes it reads (ops:admin, devices:write, points:read, consortium:admin, stats:read).
        </p>
      </form>
    </main>
  );
}

/** The console: sign in with an API key, then one screen per hash route (#/intake, #/devices, …). */
export function App(): ReactNode {
  const [key, setKey] = useState(storedKey);
  const [path, setPath] = useState(currentPath);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const onHash = (): void => {
      setPath(currentPath());
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
    };
  }, []);
  useEffect(() => {
    // Keyboard and screen-reader users land on the new screen's heading.
    heading.current?.focus();
  }, [path, key]);
  if (key === null)
    return (
      <SignIn
        onKey={(k) => {
          storeKey(k);
          setKey(k);
        }}
      />
    );
  const current = SCREENS.find((s) => s.path === path) ?? SCREENS[0];
  const Screen = current.screen;
  return (
    <>
      <header>
        <span className="brand">mallchain console</span>
        <nav aria-label="Screens">
          <ul>
            {SCREENS.map((s) => (
              <li key={s.path}>
                <a href={`#/${s.path}`} aria-current={s.path === path ? 'page' : undefined}>
                  {s.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          onClick={() => {
            storeKey(null);
            setKey(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        <h2 ref={heading} tabIndex={-1}>
          {current.title}
        </h2>
        <Screen key={current.path} />
      </main>
    </>
  );
}
