import { Route, Routes } from "react-router-dom";
import { ForecastPage } from "./ForecastPage";

export default function ForecastsRoutes() {
  return (
    <Routes>
      <Route index element={<ForecastPage />} />
    </Routes>
  );
}
