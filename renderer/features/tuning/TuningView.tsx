// Placeholder: the tuning helper (issue 5) replaces this file with the real tuning panel.
export function TuningView() {
  return (
    <section className="view" aria-labelledby="tuning-title">
      <h2 id="tuning-title">Tuning</h2>
      <div className="card">
        <p className="muted">Kernel tuning is being built. Until then, see the TIME_WAIT view for what each setting really does.</p>
      </div>
    </section>
  );
}
