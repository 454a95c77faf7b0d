// The signature pad of the voluntary statement (6b(3)(c)), as a file: the
// Content-Security-Policy allows no inline script.
//
// Without script the form offers the upload of a scanned signed statement only. With script,
// the "Signature drawn on screen" option appears; choosing it shows a canvas on which the
// person signs with a mouse, a pen or a finger (pointer events). The drawing travels as a PNG
// data URL in the hidden field `signature_drawing`; the server checks it and keeps the PNG's
// bytes with their SHA-256 hash. The upload stays the path for keyboard-only use.
(function () {
  "use strict";
  var form = document.querySelector("[data-signature-form]");
  if (!form) {
    return;
  }
  var canvas = form.querySelector("[data-signature-canvas]");
  var output = form.querySelector("[data-signature-output]");
  var pad = form.querySelector("[data-signature-pad]");
  var upload = form.querySelector("[data-signature-upload]");
  var status = form.querySelector("[data-signature-status]");
  var clear = form.querySelector("[data-signature-clear]");
  var radios = form.querySelectorAll('input[name="signature_method"]');
  if (!canvas || !canvas.getContext || !output || !pad) {
    return;
  }
  var context = canvas.getContext("2d");
  var drawing = false;
  var last = null;
  var marks = 0;

  function blank() {
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#1b1b1b";
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function keep() {
    output.value = marks > 0 ? canvas.toDataURL("image/png") : "";
    say(marks > 0 ? "Signature drawn." : "The pad is empty.");
  }

  function at(event) {
    var box = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - box.left) * canvas.width) / box.width,
      y: ((event.clientY - box.top) * canvas.height) / box.height,
    };
  }

  function method() {
    for (var i = 0; i < radios.length; i += 1) {
      if (radios[i].checked) {
        return radios[i].value;
      }
    }
    return "";
  }

  function show() {
    var drawn = method() === "drawn";
    pad.hidden = !drawn;
    if (upload) {
      upload.hidden = drawn;
    }
  }

  canvas.addEventListener("pointerdown", function (event) {
    drawing = true;
    last = at(event);
    if (canvas.setPointerCapture) {
      canvas.setPointerCapture(event.pointerId);
    }
    context.beginPath();
    context.arc(last.x, last.y, context.lineWidth / 2, 0, 2 * Math.PI);
    context.fillStyle = "#1b1b1b";
    context.fill();
    marks += 1;
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) {
      return;
    }
    var point = at(event);
    context.beginPath();
    context.moveTo(last.x, last.y);
    context.lineTo(point.x, point.y);
    context.stroke();
    last = point;
    marks += 1;
    event.preventDefault();
  });
  function stop() {
    if (drawing) {
      drawing = false;
      keep();
    }
  }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  canvas.addEventListener("pointerleave", stop);

  if (clear) {
    clear.addEventListener("click", function () {
      marks = 0;
      blank();
      keep();
    });
  }
  for (var i = 0; i < radios.length; i += 1) {
    radios[i].addEventListener("change", show);
  }
  form.addEventListener("submit", function () {
    if (method() !== "drawn") {
      output.value = "";
    } else if (marks > 0) {
      output.value = canvas.toDataURL("image/png");
    }
  });

  var shown = form.querySelectorAll("[data-needs-script]");
  for (var j = 0; j < shown.length; j += 1) {
    shown[j].hidden = false;
  }
  blank();
  if (output.value) {
    // The form came back with an error: the drawing sent before is kept (a data URL cannot
    // be drawn back under the Content-Security-Policy); clearing the pad discards it.
    marks = 1;
    say("The signature drawn before is kept. Clear the pad to draw it again.");
  }
  show();
})();
