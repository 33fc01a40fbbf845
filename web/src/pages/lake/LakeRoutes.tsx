export default function LakeRoutes() {
  return <p>Not built yet.</p>;
}
