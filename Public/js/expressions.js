// A mapping expression (schemas/mapping.schema.json) as text a finance admin reads: paths as
// they are, functions by name with their settings, constants quoted, choices and rules in words.
const FUNCTION_NAMES = {
  trim: "trim", upper: "upper case", lower: "lower case", money: "money", date: "date", truncate: "first N characters",
  status: "status map", reference_id: "reference number", default: "default", split: "split", round: "round",
};

function describeFunction(step) {
  if (typeof step === "string") return FUNCTION_NAMES[step] || step;
  const { fn, ...settings } = step;
  const name = FUNCTION_NAMES[fn] || fn;
  const detail = Object.entries(settings).map(([k, v]) => (typeof v === "object" ? `${k} ${describe(v)}` : `${k} ${v}`)).join(", ");
  return detail ? `${name} (${detail})` : name;
}

function describeCondition(condition) {
  if (!condition || typeof condition !== "object") return String(condition);
  const [[op, value]] = Object.entries(condition);
  if (op === "exists") return `${value} is present`;
  if (op === "not") return `not (${describeCondition(value)})`;
  if (op === "all") return value.map(describeCondition).join(" and ");
  if (op === "any") return value.map(describeCondition).join(" or ");
  if (Array.isArray(value) && value.length === 2) {
    const words = { eq: "is", ne: "is not", gt: ">", gte: "≥", lt: "<", lte: "≤", in: "is one of", contains: "contains" };
    return `${describe(value[0])} ${words[op] || op} ${describe(value[1])}`;
  }
  return `${op} ${describe(value)}`;
}

/** The expression as one line of text. */
export function describe(expression) {
  if (expression === null || expression === undefined) return "nothing";
  if (typeof expression === "string") {
    const step = /^\$steps\.([A-Za-z0-9_]+)\.(.+)$/.exec(expression);
    return step ? `the ${step[1]} step's ${step[2]}` : expression;
  }
  if (typeof expression !== "object") return JSON.stringify(expression);
  if (Array.isArray(expression)) return `[${expression.map(describe).join(", ")}]`;
  const { then, ...node } = expression;
  let text;
  const keys = Object.keys(node);
  if (keys.length === 1 && "path" in node) text = describe(node.path);
  else if ("const" in node) text = JSON.stringify(node.const);
  else if ("template" in node) text = `“${node.template}”`;
  else if ("coalesce" in node) text = `the first present of ${node.coalesce.map(describe).join(", ")}`;
  else if ("object" in node) text = `{ ${Object.entries(node.object).map(([k, v]) => `${k}: ${describe(v)}`).join("; ")} }`;
  else if ("list" in node) text = `[${node.list.map(describe).join(", ")}]`;
  else if ("rules" in node) {
    text = node.rules.map((r) => ("if" in r ? `if ${describeCondition(r.if)} then ${describe(r.then)}` : `otherwise ${describe(r.else ?? r.then)}`)).join("; ");
  } else if ("fn" in node) text = describeFunction(node);
  else text = JSON.stringify(node);
  return then && then.length ? `${text} → ${then.map(describeFunction).join(" → ")}` : text;
}
