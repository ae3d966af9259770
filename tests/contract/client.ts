// A frontend's first calls, typed by the client openapi-typescript generates from the
// committed contract (issue 13, "Done when"). `make contract-ts` type-checks it; a field
// the contract lacks, a wrong shape or an enum value it does not list fails the build.
import type { components, operations, paths } from "./generated/api";

type Schemas = components["schemas"];
type HouseholdList =
  paths["/api/v1/households"]["get"]["responses"][200]["content"]["application/json"];
type HouseholdListQuery = NonNullable<operations["households_list"]["parameters"]["query"]>;
type Household = operations["households_get"]["responses"][200]["content"]["application/json"];
type Problem = Schemas["Problem"] | Schemas["ProblemValidationFailed"];
type CreateRefused =
  operations["households_create"]["responses"][422]["content"]["application/problem+json"];
type HouseholdStatus = Schemas["HouseholdOut"]["status"];
type Role = Schemas["Role"];

const base = "https://sanzhu.example/api/v1";

async function getJson<T>(path: string, token: string): Promise<T | Problem> {
  const response = await fetch(`${base}${path}`, {
    headers: { Authorization: `Bearer ${token}`, "Accept-Language": "en" },
  });
  return (await response.json()) as T | Problem;
}

function isProblem(body: object): body is Problem {
  return "code" in body && "status" in body && "title" in body;
}

/** Every page of the list, following `next_cursor` until it is null. */
export async function allHouseholds(
  token: string,
  filters: HouseholdListQuery,
): Promise<Schemas["HouseholdSummary"][]> {
  const items: Schemas["HouseholdSummary"][] = [];
  let cursor: string | null | undefined = undefined;
  do {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...filters, cursor })) {
      if (value !== undefined && value !== null) query.set(key, String(value));
    }
    const page: HouseholdList | Problem = await getJson<HouseholdList>(
      `/households?${query.toString()}`,
      token,
    );
    if (isProblem(page)) throw new Error(describeProblem(page));
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return items;
}

/** A problem, and a 422's field errors one line each: `errors` is declared on 422s only. */
export function describeProblem(problem: Problem): string {
  const lines = ("errors" in problem ? problem.errors : []).map(
    (error: Schemas["FieldError"]) => `${error.loc.join(".")}: ${error.msg} (${error.code})`,
  );
  return [`${problem.status} ${problem.code}: ${problem.detail}`, ...lines].join("\n");
}

/** The label a list screen shows; the `never` check fails when the contract adds a status. */
export function statusLabel(status: HouseholdStatus): string {
  switch (status) {
    case "pending":
      return "申请中（未入册）";
    case "active":
      return "在册";
    case "exited":
      return "已退出";
    case "declined":
      return "未予受理（未入册）";
    default: {
      const unhandled: never = status;
      return unhandled;
    }
  }
}

/** A role's name on screen; the `never` check fails when the contract adds a role. */
export function roleLabel(role: Role): string {
  switch (role) {
    case "admin":
      return "Administrator";
    case "district_officer":
      return "District officer";
    case "street_officer":
      return "Street officer";
    case "community_worker":
      return "Community worker";
    case "grid_worker":
      return "Grid worker";
    case "social_worker":
      return "Social worker";
    case "department_officer":
      return "Department officer";
    case "partner":
      return "Partner";
    case "auditor":
      return "Auditor";
    default: {
      const unhandled: never = role;
      return unhandled;
    }
  }
}

/** Who changed a record, as a history line shows it. */
export function changeLine(change: Schemas["ChangeOut"]): string {
  const who = change.actor.display_name ?? change.actor.type;
  const role = change.actor_role === null ? "" : ` (${roleLabel(change.actor_role)})`;
  return `${change.occurred_at} ${who}${role}: ${change.action}`;
}

/** One household's card: the same `target_types` shape as in the list. */
export async function householdCard(token: string, id: string): Promise<string> {
  const body = await getJson<Household>(`/households/${id}`, token);
  if (isProblem(body)) return describeProblem(body);
  const types: string[] = body.target_types;
  const listTypes: Schemas["HouseholdSummary"]["target_types"] = body.target_types;
  const members = body.members.map(
    (member: Schemas["MemberOut"]) => `${member.name} (${member.relation_to_head})`,
  );
  const attention = body.attention === "head_left" ? "户主已迁出" : "";
  return [
    body.ledger_number,
    statusLabel(body.status),
    types.join(","),
    String(listTypes.length),
    attention,
    ...members,
  ].join(" | ");
}

export const firstScreen: HouseholdListQuery = {
  status: "active",
  paired_to_me: true,
  target_type: "dibao",
  sort: "-updated_at",
  limit: 50,
};

/** A refused creation's first field error: the 422 of `households_create` is either
 * `validation_failed`, which declares `errors`, or a reused Idempotency-Key, which has none. */
export function firstFieldError(problem: CreateRefused): string | undefined {
  return "errors" in problem ? problem.errors[0]?.code : undefined;
}

/** What a 409 `invalid_transition` says may be done instead: its `allowed` member. */
export function allowedActions(problem: Schemas["ProblemInvalidTransition"]): readonly string[] {
  const code: "invalid_transition" = problem.code;
  return code === "invalid_transition" ? problem.allowed : [];
}
