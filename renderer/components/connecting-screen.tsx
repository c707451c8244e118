/** While the transport opens; usually a blink. */
export function ConnectingScreen() {
  return (
    <main className="standalone" aria-busy="true">
      <p className="standalone__status" role="status">
        Connecting to the engine…
      </p>
    </main>
  );
}
