export default function TrainingRoutes() {
  return <p>Not built yet.</p>;
}
