export default function PredictRoutes() {
  return <p>Not built yet.</p>;
}
