// The explorer page: pick a question and an entity, see the facts behind the answer as a graph.
// Data: window.MHT_EXPLORER, written by docs/_ext/mhtexplorer.py at build time from the library.
(function () {
  "use strict";
  const data = window.MHT_EXPLORER;
  const colours = {
    profession: "#f4b740", credential: "#7fb0e6", service: "#5fbf86", modality: "#b4e0a8",
    billing_code: "#c79be0", condition: "#ef8a80", payer: "#9aa5b1", jurisdiction: "#d6c7a1",
    referral_reason: "#f7a6c8", requirement: "#b0c4de", code_system: "#cccccc",
  };
  const question = document.getElementById("mht-question");
  const entity = document.getElementById("mht-entity");
  const summary = document.getElementById("mht-summary");
  const record = document.getElementById("mht-record");
  const legend = document.getElementById("mht-legend");
  const name = (ref) => (data.entities[ref] ? data.entities[ref].name : ref);

  const cy = cytoscape({
    container: document.getElementById("mht-graph"),
    style: [
      { selector: "node", style: {
        "background-color": (n) => colours[n.data("kind")] || "#ddd", label: "data(label)",
        "font-size": 13, "text-wrap": "wrap", "text-max-width": 130, "text-valign": "bottom",
        "text-margin-y": 4, width: 22, height: 22 } },
      { selector: "node.member", style: { "border-width": 3, "border-color": "#333" } },
      { selector: "node.asked", style: { shape: "round-rectangle", width: 34, height: 34 } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#d33" } },
      { selector: "edge", style: {
        label: "data(label)", "font-size": 11, "curve-style": "bezier", "target-arrow-shape": "triangle",
        "line-color": "#99a", "target-arrow-color": "#99a", "text-rotation": "autorotate",
        "text-background-color": "#fff", "text-background-opacity": 0.8 } },
    ],
  });

  function option(value, text) {
    const item = document.createElement("option");
    item.value = value;
    item.textContent = text;
    return item;
  }

  function fillEntities() {
    const answers = data.questions[question.value];
    const keys = Object.keys(answers);
    const label = (key) => key.includes("|") ? key.split("|").map(name).join(" and ")
      : key === "all" ? "everything in the data" : name(key);
    keys.sort((a, b) => label(a).localeCompare(label(b)));
    entity.replaceChildren(...keys.map((key) => option(key, label(key))));
    if (question.value === "who-can-provide" && answers.psychotherapy) entity.value = "psychotherapy";
  }

  function show() {
    const answer = data.questions[question.value][entity.value];
    const factIds = new Set(answer.facts || []);
    Object.values(answer.members).forEach((ids) => ids.forEach((id) => factIds.add(id)));
    const nodes = new Set(Object.keys(answer.members));
    entity.value.split("|").forEach((ref) => { if (data.entities[ref]) nodes.add(ref); });
    factIds.forEach((id) => { nodes.add(data.facts[id].subject); nodes.add(data.facts[id].object); });
    const asked = new Set(entity.value.split("|"));
    const elements = [...nodes].map((ref) => ({
      group: "nodes",
      data: { id: ref, label: name(ref), kind: data.entities[ref] ? data.entities[ref].kind : "" },
      classes: [ref in answer.members ? "member" : "", asked.has(ref) ? "asked" : ""].join(" "),
    }));
    factIds.forEach((id) => {
      const fact = data.facts[id];
      elements.push({ group: "edges", data: {
        id: id, source: fact.subject, target: fact.object, label: fact.relation.replace(/_/g, " ") } });
    });
    cy.elements().remove();
    cy.add(elements);
    cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: 400000,
      idealEdgeLength: 110, nodeOverlap: 40, gravity: 20, numIter: 2500 }).run();
    cy.fit(undefined, 20);
    const count = Object.keys(answer.members).length;
    summary.textContent = `${answer.question}: ${count} in the answer (outlined), ` +
      `${factIds.size} facts behind it. Click a node for its record and sources.`;
    record.replaceChildren();
    const kinds = new Set(elements.filter((e) => e.group === "nodes").map((e) => e.data.kind));
    legend.replaceChildren(...[...kinds].sort().map((kind) => {
      const item = document.createElement("span");
      item.className = "mht-kind";
      item.style.setProperty("--kind", colours[kind] || "#ddd");
      item.textContent = kind.replace(/_/g, " ");
      return item;
    }));
  }

  function paragraph(text, tag) {
    const item = document.createElement(tag || "p");
    item.textContent = text;
    return item;
  }

  function showRecord(ref) {
    const e = data.entities[ref];
    if (!e) return;
    const parts = [paragraph(e.name, "h3"), paragraph(`${e.kind.replace(/_/g, " ")} · id ${ref}` +
      (e.abbreviations.length ? ` · ${e.abbreviations.join(", ")}` : ""))];
    if (e.description) parts.push(paragraph(e.description));
    const facts = cy.getElementById(ref).connectedEdges().map((edge) => edge.id());
    if (facts.length) {
      parts.push(paragraph("Facts shown here", "h4"));
      const list = document.createElement("ul");
      facts.forEach((id) => {
        const f = data.facts[id];
        const where = f.jurisdictions ? ` (in ${f.jurisdictions.join(", ")})` : "";
        list.append(paragraph(`${name(f.subject)} ${f.relation.replace(/_/g, " ")} ${name(f.object)}` +
          `${where}${f.supervised ? ", under supervision" : ""} [${f.sources.join(", ")}]`, "li"));
      });
      parts.push(list);
    }
    const cited = new Set(e.sources);
    facts.forEach((id) => data.facts[id].sources.forEach((s) => cited.add(s)));
    parts.push(paragraph("Sources", "h4"));
    const sources = document.createElement("ul");
    [...cited].sort().forEach((id) => {
      const s = data.sources[id];
      const item = paragraph(`[${id}] ${s.title} `, "li");
      if (s.url) {
        const link = document.createElement("a");
        link.href = s.url;
        link.textContent = s.url;
        item.append(link);
      }
      sources.append(item);
    });
    parts.push(sources);
    record.replaceChildren(...parts);
  }

  const questions = {
    "who-can-provide": "Who can provide …?",
    "requires-diagnosis": "What requires a diagnosis?",
    compare: "Compare two things",
  };
  question.replaceChildren(...Object.entries(questions).map(([key, text]) => option(key, text)));
  question.addEventListener("change", () => { fillEntities(); show(); });
  entity.addEventListener("change", show);
  cy.on("tap", "node", (event) => showRecord(event.target.id()));
  fillEntities();
  show();
  window.mhtExplorer = { cy: cy, show: show, showRecord: showRecord };
})();
