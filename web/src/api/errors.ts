// The API's errors as one type: {"detail": "..."} or, for 422, {"detail": [{loc, msg, type}]}.
export interface FieldIssue {
  loc: (string | number)[];
  msg: string;
  type?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }

  static from(status: number, body: unknown): ApiError {
    const detail = (body as { detail?: unknown } | null)?.detail;
    if (Array.isArray(detail)) {
      const issues = detail.filter((d): d is FieldIssue => typeof d === "object" && d !== null && "msg" in d);
      return new ApiError(status, issues.map(describeIssue).join("; ") || `Request failed (${status})`, issues);
    }
    return new ApiError(status, typeof detail === "string" ? detail : `Request failed (${status})`);
  }

  // The message of the issue whose location ends with `path` (e.g. "template_schema", 0, "data_type").
  fieldMessage(...path: (string | number)[]): string | undefined {
    return this.issues.find((i) => endsWith(i.loc, path))?.msg;
  }
}

function endsWith(loc: (string | number)[], path: (string | number)[]): boolean {
  if (path.length > loc.length) return false;
  const tail = loc.slice(loc.length - path.length);
  return tail.every((part, i) => String(part) === String(path[i]));
}

function describeIssue(issue: FieldIssue): string {
  const where = issue.loc.filter((p) => p !== "body" && p !== "query").join(".");
  return where ? `${where}: ${issue.msg}` : issue.msg;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
