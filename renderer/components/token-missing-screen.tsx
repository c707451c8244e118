/**
 * Browser mode opened without the token: the WebSocket would be refused, so say what
 * to do instead of showing a console that cannot work.
 */
export function TokenMissingScreen() {
  return (
    <main className="standalone" data-testid="token-missing">
      <div className="card standalone__card">
        <h1>Open the address hotpath printed</h1>
        <p>
          This console needs the access token that <code>hotpath serve</code> prints when it starts, in a line like:
        </p>
        <pre>Contract WebSocket: ws://127.0.0.1:7300/ws?token=…</pre>
        <p>
          Open <code>http://127.0.0.1:7300/?token=…</code> with that token (it changes at every launch; set <code>HOTPATH_TOKEN</code> to
          choose it).
        </p>
      </div>
    </main>
  );
}
