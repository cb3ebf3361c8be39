-- references.lua: give the reference list a level-2 "References" heading before citeproc runs.
--
-- With reference-section-title set, pandoc's citeproc appends the list under a level-1 heading.
-- The report's pages use <h1> for the page title and <h2> for sections, so when the document cites
-- anything and has no ::: {#refs} div of its own, this filter appends
--   ## <reference-section-title> {#bibliography .unnumbered}
--   ::: {#refs}
--   :::
-- which citeproc fills (pandoc manual, "Placement of the bibliography").

-- Return true when the document has a div with id refs (or ending in __refs, as pandoc accepts).
local function has_refs_div(doc)
  local found = false
  doc:walk({
    Div = function(div)
      if div.identifier == "refs" or div.identifier:match("__refs$") then
        found = true
      end
    end,
  })
  return found
end

-- Return true when the document contains at least one citation.
local function cites_anything(doc)
  local found = false
  doc:walk({
    Cite = function()
      found = true
    end,
  })
  return found
end

-- Return the heading identifier: "bibliography" (pandoc's own) unless the document already uses it.
local function heading_id(doc)
  local taken = false
  doc:walk({
    Block = function(block)
      if block.identifier == "bibliography" then
        taken = true
      end
    end,
  })
  return taken and "" or "bibliography"
end

function Pandoc(doc)
  local title = doc.meta["reference-section-title"]
  if not title or doc.meta["suppress-bibliography"] or has_refs_div(doc) or not cites_anything(doc) then
    return nil
  end
  local inlines = pandoc.Inlines(pandoc.utils.stringify(title))
  doc.blocks:insert(pandoc.Header(2, inlines, pandoc.Attr(heading_id(doc), { "unnumbered" })))
  doc.blocks:insert(pandoc.Div({}, pandoc.Attr("refs")))
  doc.meta["reference-section-title"] = nil
  return doc
end
