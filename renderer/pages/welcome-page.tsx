import { useServices } from '../app/console-context.ts';
import { ConnectionForm } from '../components/connection-form.tsx';
import { StartLocalDemo, DEMO_CHUNKS } from '../components/start-local-demo.tsx';
import { formatCount } from '../format/units.ts';

/**
 * First run: no saved connection and nothing connected. Two ways in, side by side;
 * either one ends on the Overview.
 */
export function WelcomePage() {
  const { navigation } = useServices();
  // Only move on if the user is still here: they may have gone elsewhere during a long seed.
  const toOverview = () => {
    if (navigation.getState().page === 'welcome') navigation.getState().navigate('overview');
  };
  return (
    <div className="page page--welcome">
      <h1>Welcome to Hotpath</h1>
      <p className="page__lead">
        Watch latency percentiles, throughput and errors of a PostgreSQL + Redis service live. Start with a demo, or point Hotpath at your
        own database.
      </p>
      <div className="welcome-choices">
        <section className="card welcome-choice" aria-labelledby="welcome-local">
          <h2 id="welcome-local">Try the local demo</h2>
          <p>
            Starts PostgreSQL (and Redis, if it is installed) on this machine, with nothing to install, and fills a demo schema with{' '}
            {formatCount(DEMO_CHUNKS)} chunks. The data is kept for next time.
          </p>
          <StartLocalDemo onReady={toOverview} />
        </section>
        <section className="card welcome-choice" aria-labelledby="welcome-connect">
          <h2 id="welcome-connect">Connect to my database</h2>
          <p>Hotpath reads statistics and runs only read-only workloads; it never writes to your tables.</p>
          <ConnectionForm onDone={(_profile, connected) => connected && toOverview()} />
        </section>
      </div>
    </div>
  );
}
