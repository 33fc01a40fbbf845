import { Route, Routes } from "react-router-dom";
import { TrainingList } from "./TrainingList";
import { TrainingWizard } from "./TrainingWizard";
import { ModelPage } from "./ModelPage";

export default function TrainingRoutes() {
  return (
    <Routes>
      <Route index element={<TrainingList />} />
      <Route path="new" element={<TrainingWizard />} />
      <Route path=":trainId" element={<ModelPage />} />
    </Routes>
  );
}
