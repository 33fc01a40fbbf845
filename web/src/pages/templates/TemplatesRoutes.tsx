import { Route, Routes } from "react-router-dom";
import { TemplateList } from "./TemplateList";
import { TemplateEditor } from "./TemplateEditor";

export default function TemplatesRoutes() {
  return (
    <Routes>
      <Route index element={<TemplateList />} />
      <Route path="new" element={<TemplateEditor />} />
      <Route path=":templateId" element={<TemplateEditor />} />
    </Routes>
  );
}
