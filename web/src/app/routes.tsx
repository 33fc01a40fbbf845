// The console's pages. Each area's pages live in src/pages/<area>/ and are loaded when first
// visited, so the first load carries only the shell.
import { lazy, Suspense, type ReactNode } from "react";
import { createBrowserRouter, Navigate, useRouteError } from "react-router-dom";
import { Layout } from "./Layout";
import { LoginPage } from "./LoginPage";
import { RequireAuth } from "./RequireAuth";
import { ErrorMessage, Loading } from "../components/States";
import { PageHeader } from "../components/PageHeader";

const page = (load: () => Promise<{ default: React.ComponentType }>) => {
  const Component = lazy(load);
  return (
    <Suspense fallback={<Loading what="Loading the page" />}>
      <Component />
    </Suspense>
  );
};

function RouteError() {
  return <ErrorMessage error={useRouteError()} />;
}

function NotFound(): ReactNode {
  return (
    <>
      <PageHeader title="Not found" />
      <p>There is no page at this address.</p>
    </>
  );
}

export const routes = [
  { path: "/login", element: <LoginPage /> },
  {
    path: "/",
    element: (
      <RequireAuth>
        <Layout />
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="/datasets" replace /> },
      { path: "datasets/*", element: page(() => import("../pages/datasets/DatasetsRoutes")) },
      { path: "templates/*", element: page(() => import("../pages/templates/TemplatesRoutes")) },
      { path: "training/*", element: page(() => import("../pages/training/TrainingRoutes")) },
      { path: "predict/*", element: page(() => import("../pages/predict/PredictRoutes")) },
      { path: "forecasts/*", element: page(() => import("../pages/forecasts/ForecastsRoutes")) },
      { path: "lake/*", element: page(() => import("../pages/lake/LakeRoutes")) },
      { path: "jobs/*", element: page(() => import("../pages/jobs/JobsRoutes")) },
      { path: "admin/*", element: page(() => import("../pages/admin/AdminRoutes")) },
      { path: "*", element: <NotFound /> },
    ],
  },
];

export const router = createBrowserRouter(routes);
