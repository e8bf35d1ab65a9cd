/// The browser side of the sandbox's PayTrace Protect (`PayTraceProtect.swift`): the library a
/// merchant's page loads (`PTPayment`, as PayTrace's protect.min.js offers it: `setup` resolving
/// to an instance, `validate(callback)` with `[{responseCode, description}]`, `process()` resolving
/// to `{message: {hpf_token, enc_key}}`, `getControl`, `style`, `theme`), and the card fields'
/// iframe, served from the protect host so the page around it can never read the card.
enum PayTraceProtectAssets {
    static let library = #"""
        (function () {
          "use strict";
          var src = document.currentScript && document.currentScript.src;
          var base = src.replace(/\/js\/protect\.min\.js(\?.*)?$/, "");
          var origin = new URL(base).origin;
          var frame = null;
          var waiting = {};
          var sequence = 0;
          window.addEventListener("message", function (event) {
            if (event.origin !== origin || !event.data || !event.data.ptp) return;
            var resolve = waiting[event.data.id];
            if (resolve) { delete waiting[event.data.id]; resolve(event.data); }
          });
          function ask(type) {
            return new Promise(function (resolve, reject) {
              if (!frame) { reject({ reason: "PTPayment.setup has not been called" }); return; }
              var id = ++sequence;
              waiting[id] = resolve;
              frame.contentWindow.postMessage({ ptp: type, id: id }, origin);
            });
          }
          var control = { label: { text: function () { return control.label; } }, setAttribute: function () {} };
          var instance = {
            process: function () {
              return ask("process").then(function (answer) {
                if (answer.errors) throw { reason: "validation", errors: answer.errors };
                return { success: true, message: { hpf_token: answer.hpf_token, enc_key: answer.enc_key } };
              });
            },
            validate: function (callback) { ask("validate").then(function (answer) { callback(answer.errors || []); }); },
            getControl: function () { return control; },
            style: function () {},
            theme: function () {}
          };
          window.PTPayment = {
            setup: function (options) {
              var key = options && options.authorization && options.authorization.clientKey;
              var host = document.getElementById("pt_hpf_form");
              if (!host || !key) return Promise.reject({ reason: "needs #pt_hpf_form and authorization.clientKey" });
              frame = document.createElement("iframe");
              frame.id = "ptp_iframe";
              frame.title = "Card details, entered with PayTrace";
              frame.src = base + "/hpf?clientKey=" + encodeURIComponent(key);
              frame.style.border = "0";
              frame.style.width = "100%";
              frame.style.height = "150px";
              return new Promise(function (resolve) {
                frame.addEventListener("load", function () { resolve(instance); });
                host.appendChild(frame);
              });
            },
            process: instance.process,
            validate: instance.validate,
            getControl: instance.getControl,
            style: instance.style,
            theme: instance.theme
          };
        })();
        """#

    static let fieldsPage = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Card details</title>
        <style>
          body { font: 15px system-ui, sans-serif; margin: 0; padding: 4px; }
          label { display: block; margin: 0 0 8px; }
          input { display: block; width: 100%; box-sizing: border-box; padding: 8px; font: inherit; border: 1px solid #8a94a6; border-radius: 4px; }
          .row { display: flex; gap: 8px; }
          .row label { flex: 1; }
          .invalid { border-color: #b00020; }
        </style>
        </head>
        <body>
        <label>Card number <input id="ccNumber" autocomplete="cc-number" inputmode="numeric" maxlength="23"></label>
        <div class="row">
          <label>Month <input id="expMonth" autocomplete="cc-exp-month" inputmode="numeric" maxlength="2" placeholder="MM"></label>
          <label>Year <input id="expYear" autocomplete="cc-exp-year" inputmode="numeric" maxlength="4" placeholder="YYYY"></label>
          <label>Security code <input id="code" autocomplete="cc-csc" inputmode="numeric" maxlength="4"></label>
        </div>
        <script src="js/hpf.js"></script>
        </body>
        </html>
        """#

    static let fieldsScript = #"""
        (function () {
          "use strict";
          var key = new URLSearchParams(location.search).get("clientKey") || "";
          function value(id) { return document.getElementById(id).value.trim(); }
          function luhn(digits) {
            var sum = 0;
            for (var i = 0; i < digits.length; i++) {
              var d = Number(digits[digits.length - 1 - i]);
              if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
              sum += d;
            }
            return digits.length >= 12 && sum % 10 === 0;
          }
          function errors() {
            var found = [];
            var number = value("ccNumber").replace(/[\s-]/g, "");
            document.getElementById("ccNumber").classList.toggle("invalid", !/^[0-9]+$/.test(number) || !luhn(number));
            if (!/^[0-9]+$/.test(number) || !luhn(number)) found.push({ responseCode: "35", description: "Please provide a valid Credit Card Number." });
            var month = Number(value("expMonth"));
            if (!(month >= 1 && month <= 12)) found.push({ responseCode: "43", description: "Please provide a valid Expiration Month." });
            var year = Number(value("expYear"));
            if (!(year >= 2000 || (year >= 0 && year < 100 && value("expYear") !== ""))) found.push({ responseCode: "44", description: "Please provide a valid Expiration Year." });
            return found;
          }
          window.addEventListener("message", function (event) {
            if (event.source !== window.parent || !event.data || !event.data.ptp) return;
            var reply = function (answer) { answer.ptp = event.data.ptp; answer.id = event.data.id; event.source.postMessage(answer, event.origin); };
            var found = errors();
            if (event.data.ptp === "validate") { reply({ errors: found }); return; }
            if (found.length) { reply({ errors: found }); return; }
            fetch("tokenize", {
              method: "POST", headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ clientKey: key, number: value("ccNumber").replace(/[\s-]/g, ""), expiration_month: value("expMonth"),
                expiration_year: value("expYear"), csc: value("code") })
            }).then(function (response) { return response.json(); })
              .then(function (answer) { reply(answer.hpf_token ? { hpf_token: answer.hpf_token, enc_key: answer.enc_key } : { errors: answer.errors || [] }); })
              .catch(function () { reply({ errors: [{ responseCode: "1", description: "PayTrace could not be reached." }] }); });
          });
        })();
        """#
}
