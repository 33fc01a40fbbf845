export default function ForecastsRoutes() {
  return <p>Not built yet.</p>;
}
