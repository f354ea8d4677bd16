// The API's browsable documentation (/api/v1/docs): Swagger UI drawing the OpenAPI document
// whose address the page gives. A file of its own, not an inline script: the CSP allows none.
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: false });
});
