/* dcc.Upload draws its own file input with no label; give it one (WCAG 1.3.1, 4.1.2),
   again whenever Dash draws it anew. */
(function () {
    function label() {
        document.querySelectorAll("#staff-upload input[type=file]").forEach(function (input) {
            if (!input.getAttribute("aria-label")) {
                input.setAttribute("aria-label", "Choose files to upload");
            }
        });
    }
    new MutationObserver(label).observe(document.documentElement, {childList: true, subtree: true});
})();
