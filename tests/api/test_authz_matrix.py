"""Function-level authorization (OWASP API5): which built-in role may call which operation.

OPERATIONS is the table, one row per operation of /openapi.json, each with what it needs: a
permission, "authenticated" (any user), "superuser", or "public". A test checks the table against
the document (same operations, same x-permission), so a new endpoint fails here until it is
given a row. ROLE_PERMISSIONS is the built-in roles' grants as docs/permissions.md states them.
Then every non-public operation is called anonymously and as a user of each built-in role: each
gets exactly its 401, 403 or something past the access check. Access is enforced before the
body is read or a path id is looked up, so one dummy request per operation tells.
"""
import re

import pytest

VIEW = {"can_view_users", "can_view_roles", "can_view_templates", "can_view_datasets", "can_view_files",
        "can_view_models", "can_view_predictions", "can_view_datalake"}
WORK = {"can_create_template", "can_update_template", "can_delete_template", "can_upload_dataset",
        "can_delete_dataset", "can_generate_statistics", "can_add_files", "can_delete_files", "can_download_files",
        "can_train_models", "can_delete_models", "can_generate_feature_importance", "can_run_inference",
        "can_run_batch_prediction", "can_terminate_jobs"}
MANAGE = {"can_manage_users", "can_manage_roles"}
ROLE_PERMISSIONS = {
    "admin": VIEW | WORK | MANAGE,
    "data_scientist": VIEW | WORK,
    "viewer": VIEW,
}

OPERATIONS = {
    "GET /": "public",
    "GET /api/v1/datalake/distinct-count": "can_view_datalake",
    "GET /api/v1/datalake/numeric_stats": "can_view_datalake",
    "GET /api/v1/datalake/schemas": "can_view_datalake",
    "GET /api/v1/datalake/schemas/tables": "can_view_datalake",
    "GET /api/v1/datalake/table_metadata": "can_view_datalake",
    "GET /api/v1/datalake/tables/columns": "can_view_datalake",
    "DELETE /api/v1/dataset/delete/{dataset_id}": "can_delete_dataset",
    "POST /api/v1/dataset/from_iceberg": "can_upload_dataset",
    "POST /api/v1/dataset/generate_statistics": "can_generate_statistics",
    "GET /api/v1/dataset/get_dataset_by_id": "can_view_datasets",
    "GET /api/v1/dataset/list": "can_view_datasets",
    "GET /api/v1/dataset/list_validated": "can_view_datasets",
    "GET /api/v1/dataset/statistics": "can_view_datasets",
    "POST /api/v1/dataset/upload": "can_upload_dataset",
    "GET /api/v1/dataset/view": "can_view_datasets",
    "POST /api/v1/files/add": "can_add_files",
    "DELETE /api/v1/files/delete/{file_id}": "can_delete_files",
    "GET /api/v1/files/download": "can_download_files",
    "GET /api/v1/files/get_file_by_id": "can_view_files",
    "GET /api/v1/files/list": "can_view_files",
    "GET /api/v1/files/view": "can_view_files",
    "POST /api/v1/inference": "can_run_inference",
    "POST /api/v1/inference/batch-prediction": "can_run_batch_prediction",
    "POST /api/v1/inference/batch-result": "public",
    "POST /api/v1/inference/batchPrediction": "can_run_batch_prediction",
    "POST /api/v1/inference/forecast": "can_run_inference",
    "GET /api/v1/inference/form-based-prediction": "can_run_inference",
    "GET /api/v1/inference/predictions": "can_view_predictions",
    "GET /api/v1/inference/result": "can_view_predictions",
    "GET /api/v1/jobs": "authenticated",
    "GET /api/v1/jobs/{job_id}": "authenticated",
    "GET /api/v1/jobs/{job_id}/rendezvous": "public",
    "PUT /api/v1/jobs/{job_id}/rendezvous": "public",
    "POST /api/v1/jobs/{job_id}/result": "public",
    "GET /api/v1/jobs/{job_id}/spec": "public",
    "POST /api/v1/login/access-token": "public",
    "POST /api/v1/login/test-token": "authenticated",
    "POST /api/v1/logout": "public",
    "POST /api/v1/ray/terminate_ray_job": "can_terminate_jobs",
    "GET /api/v1/rbac/me/permissions": "authenticated",
    "GET /api/v1/rbac/permissions": "can_view_roles",
    "POST /api/v1/rbac/permissions": "can_manage_roles",
    "GET /api/v1/rbac/roles": "can_view_roles",
    "POST /api/v1/rbac/roles": "can_manage_roles",
    "DELETE /api/v1/rbac/roles/{role_id}": "can_manage_roles",
    "GET /api/v1/rbac/roles/{role_id}": "can_view_roles",
    "POST /api/v1/rbac/roles/{role_id}/permissions": "can_manage_roles",
    "DELETE /api/v1/rbac/roles/{role_id}/permissions/{permission_id}": "can_manage_roles",
    "GET /api/v1/rbac/users/{user_id}/roles": "can_view_roles",
    "POST /api/v1/rbac/users/{user_id}/roles": "can_manage_roles",
    "DELETE /api/v1/rbac/users/{user_id}/roles/{role_id}": "can_manage_roles",
    "POST /api/v1/refresh": "public",
    "POST /api/v1/reset-password": "authenticated",
    "POST /api/v1/template": "can_create_template",
    "GET /api/v1/template/list": "can_view_templates",
    "PUT /api/v1/template/update/{template_id}": "can_update_template",
    "DELETE /api/v1/template/{template_id}": "can_delete_template",
    "GET /api/v1/template/{template_id}": "can_view_templates",
    "GET /api/v1/tenants": "superuser",
    "POST /api/v1/tenants": "superuser",
    "GET /api/v1/tenants/{tenant_id}": "superuser",
    "POST /api/v1/train": "can_train_models",
    "DELETE /api/v1/train/delete-feature-importance/{train_id}": "can_generate_feature_importance",
    "DELETE /api/v1/train/delete/{id}": "can_delete_models",
    "GET /api/v1/train/download-schema/{train_id}": "can_view_models",
    "GET /api/v1/train/generate-feature-importance": "can_generate_feature_importance",
    "POST /api/v1/train/get_details": "can_train_models",
    "GET /api/v1/train/list": "can_view_models",
    "GET /api/v1/train/model-summary": "can_view_models",
    "GET /api/v1/train/refresh": "can_view_models",
    "POST /api/v1/train/result": "public",
    "POST /api/v1/train/shap-result": "public",
    "POST /api/v1/train/update": "can_train_models",
    "GET /api/v1/train/view-feature-importance": "can_view_models",
    "POST /api/v1/users/create-user": "can_manage_users",
    "GET /api/v1/users/me": "authenticated",
    "GET /api/v1/users/read-users": "can_view_users",
    "GET /api/v1/users/{user_id}": "can_view_users",
    "PATCH /api/v1/users/{user_id}": "authenticated",
    "POST /api/v1/users/{user_id}/activate": "can_manage_users",
    "POST /api/v1/users/{user_id}/deactivate": "can_manage_users",
    "GET /api/v1/utils/health-check": "public",
    "GET /api/v1/validate-token": "authenticated",
    "GET /assets/{asset}": "public",
    "GET /docs": "public",
    "GET /docs/{asset}": "public",
    "GET /metrics": "public",
    "GET /openapi.json": "public",
}

DUMMY = {"tenant_id": "00000000-0000-4000-8000-000000000000"}  # path parameters that are not ids


def request_of(key):
    method, path = key.split(" ", 1)
    path = re.sub(r"\{(\w+)\}", lambda m: DUMMY.get(m.group(1), "2147483000"), path)
    return method, path


@pytest.fixture(scope="module")
def role_clients(api):
    tenant = api.create_tenant()
    clients = {}
    for role in ROLE_PERMISSIONS:
        _, token = api.create_user(tenant["id"], role=role)
        clients[role] = api.client(token)
    yield clients
    for client in clients.values():
        client.close()


def test_the_table_has_every_operation_of_the_document_and_its_permission(api):
    with api.client() as anonymous:
        spec = anonymous.get("/openapi.json").json()
    documented = {f"{method.upper()} {path}": op.get("x-permission")
                  for path, item in spec["paths"].items() for method, op in item.items()
                  if isinstance(op, dict) and "responses" in op}
    assert documented == OPERATIONS


def expected_status(requirement, role):
    """403 when the role may not call it; None when it gets past the access check."""
    if requirement == "superuser":
        return 403
    if requirement == "authenticated":
        return None
    return None if requirement in ROLE_PERMISSIONS[role] else 403


@pytest.mark.parametrize("key", sorted(k for k, v in OPERATIONS.items() if v != "public"))
def test_each_role_gets_exactly_its_access(api, role_clients, key):
    method, path = request_of(key)
    with api.client() as anonymous:
        r = anonymous.request(method, path, json={})
    assert r.status_code == 401, f"{key} anonymous: {r.status_code} {r.text[:200]}"
    for role, client in role_clients.items():
        r = client.request(method, path, json={})
        want = expected_status(OPERATIONS[key], role)
        if want == 403:
            assert r.status_code == 403, f"{key} as {role}: {r.status_code} {r.text[:200]}"
            assert isinstance(r.json()["detail"], str)
        else:
            assert r.status_code not in (401, 403), f"{key} as {role}: {r.status_code} {r.text[:200]}"
