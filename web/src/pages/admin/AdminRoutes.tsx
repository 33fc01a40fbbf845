export default function AdminRoutes() {
  return <p>Not built yet.</p>;
}
