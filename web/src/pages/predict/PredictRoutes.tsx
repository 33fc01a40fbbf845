import { Route, Routes } from "react-router-dom";
import { PredictPicker } from "./PredictPicker";
import { PredictModel } from "./PredictModel";

export default function PredictRoutes() {
  return (
    <Routes>
      <Route index element={<PredictPicker />} />
      <Route path=":trainId" element={<PredictModel />} />
    </Routes>
  );
}
