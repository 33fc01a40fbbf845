import { Navigate, Route, Routes } from "react-router-dom";
import { UsersPage } from "./UsersPage";
import { NewUser } from "./NewUser";
import { UserDetail } from "./UserDetail";
import { RolesPage } from "./RolesPage";
import { RoleDetail } from "./RoleDetail";
import { TenantsPage } from "./TenantsPage";

export default function AdminRoutes() {
  return (
    <Routes>
      <Route index element={<Navigate to="users" replace />} />
      <Route path="users" element={<UsersPage />} />
      <Route path="users/new" element={<NewUser />} />
      <Route path="users/:userId" element={<UserDetail />} />
      <Route path="roles" element={<RolesPage />} />
      <Route path="roles/:roleId" element={<RoleDetail />} />
      <Route path="tenants" element={<TenantsPage />} />
    </Routes>
  );
}
