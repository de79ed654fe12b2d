#include "document/AddItemsCommand.h"

#include "document/ProjectDocument.h"

AddItemsCommand::AddItemsCommand(ProjectDocument *document, QString setId, int row,
                                 std::vector<dragon::ExemplarItem> items, int importId)
    : m_document(document), m_setId(std::move(setId)), m_row(row), m_items(std::move(items)),
      m_importId(importId)
{
    updateText();
}

void AddItemsCommand::updateText()
{
    setText(QObject::tr("Add %n item(s)", nullptr, int(m_items.size())));
}

void AddItemsCommand::redo()
{
    m_document->insertItemsAt(m_setId, m_row, m_items);
}

void AddItemsCommand::undo()
{
    m_document->takeItems(m_setId, m_row, int(m_items.size()));
}

bool AddItemsCommand::mergeWith(const QUndoCommand *other)
{
    const auto *next = dynamic_cast<const AddItemsCommand *>(other);
    if (!next || next->m_importId != m_importId || next->m_setId != m_setId ||
        next->m_row != m_row + int(m_items.size()))
        return false;
    m_items.insert(m_items.end(), next->m_items.begin(), next->m_items.end());
    updateText();
    return true;
}
