"""What property-based testing of the API (schemathesis over /openapi.json, `make fuzz-api`)
found, kept as regular tests: methods a resource lacks, tenant ids that are not UUIDs, integers
as JSON numbers, and statuses the document must list."""
import pytest

INT64_MAX = 9223372036854775807


@pytest.fixture
def scientist(api, tenant):
    _, token = api.create_user(tenant["id"], role="data_scientist")
    return api.client(token)


def test_a_method_the_resource_lacks_is_a_405_that_says_which_it_has(api):
    with api.admin() as admin:
        r = admin.request("TRACE", "/api/v1/template/list")
        assert r.status_code == 405 and r.json() == {"detail": "Method Not Allowed"}
        assert r.headers["allow"] == "GET, HEAD"
        # /users/me is a resource of its own, not user "me" of /users/{user_id}.
        r = admin.patch("/api/v1/users/me", json={})
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
        r = admin.delete("/api/v1/template/list")
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
        r = admin.request("OPTIONS", "/api/v1/users/1")
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD, PATCH"


@pytest.mark.parametrize("value", ["", "acme", "365e6b97-3f59-4bc0-94e3-704b5bba605", "' OR 1=1 --"])
def test_a_tenant_id_that_is_not_a_uuid_is_a_422_not_the_callers_own_tenant(api, value):
    with api.admin() as admin:
        r = admin.get("/api/v1/dataset/list", params={"tenant_id": value})
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == [{"loc": ["query", "tenant_id"], "msg": "Input should be a valid UUID",
                                   "type": "uuid_parsing"}]


def test_integer_fields_take_whole_numbers_written_as_floats_and_nothing_past_int64(scientist):
    # 12.0 is an integer to JSON Schema and to FastAPI's lax mode; 12.5 is not.
    r = scientist.post("/api/v1/inference/batch-prediction", json={"train_id": 123456.0, "dataset_id": 1})
    assert r.status_code == 404, r.text  # read as training 123456, which does not exist
    r = scientist.post("/api/v1/inference/batch-prediction", json={"train_id": 12.5, "dataset_id": 1})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "int_from_float"
    # Past int64 is refused, not wrapped around to a negative id.
    r = scientist.post("/api/v1/inference/batch-prediction", json={"train_id": 18446744073709551615, "dataset_id": 1})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "train_id"]
    r = scientist.post("/api/v1/inference/batch-prediction", json={"train_id": INT64_MAX, "dataset_id": 1})
    assert r.status_code == 404


def test_the_document_lists_the_statuses_these_answers_have(api):
    with api.admin() as admin:
        spec = admin.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            params = [p.get("$ref", "") for p in op.get("parameters", [])]
            if any(ref.endswith("/TenantId") for ref in params):
                assert "422" in op["responses"], f"{method} {path}: tenant_id can be a 422"
            content = (op.get("requestBody") or {}).get("content", {})
            if content and not any(k.startswith("multipart/") for k in content):
                assert "411" in op["responses"], f"{method} {path}: a body without Content-Length is a 411"
