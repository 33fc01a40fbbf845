export default function JobsRoutes() {
  return <p>Not built yet.</p>;
}
