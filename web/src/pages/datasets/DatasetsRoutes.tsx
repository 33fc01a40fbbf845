export default function DatasetsRoutes() {
  return <p>Not built yet.</p>;
}
