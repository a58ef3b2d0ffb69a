// Keep the derived risk level hint in step with the checklist answers as they are chosen.
// The rule comes from the page (data-risk-rule, produced by workflows.assessment.risk_rule), so the
// thresholds are never written twice; without this script the hint shows the level of the saved answers.
(function () {
  "use strict";
  function derive(rule, box) {
    var score = 0;
    Object.keys(rule.weights).forEach(function (item) {
      var chosen = box.querySelector('input[name="answers.' + item + '"]:checked');
      if (chosen && chosen.value === rule.counted_answer) score += rule.weights[item];
    });
    for (var i = 0; i < rule.levels.length; i++) {
      if (score >= rule.levels[i][1]) return rule.levels[i][0];
    }
    return rule.otherwise;
  }
  document.querySelectorAll("[data-risk-rule]").forEach(function (box) {
    var rule = JSON.parse(box.getAttribute("data-risk-rule"));
    var labels = JSON.parse(box.getAttribute("data-risk-labels"));
    var hint = box.querySelector("[data-risk-hint]");
    var form = box.closest("form");
    var chosen = form && form.querySelector('select[name="risk_level"]');
    // Levels from the lowest up, to raise the chosen level when the answers require it (never lower it).
    var order = [rule.otherwise].concat(rule.levels.map(function (pair) { return pair[0]; }).reverse());
    if (!hint) return;
    function update() {
      var level = derive(rule, box);
      hint.textContent = labels[level];
      hint.setAttribute("data-level", level);
      if (chosen && order.indexOf(chosen.value) < order.indexOf(level)) chosen.value = level;
    }
    box.addEventListener("change", update);
    update();
  });
})();
