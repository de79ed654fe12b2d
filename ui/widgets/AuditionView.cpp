#include "widgets/AuditionView.h"

#include "playback/PlaybackController.h"
#include "widgets/ClipView.h"

#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace {
constexpr int kPathRole = Qt::UserRole;
}

AuditionView::AuditionView(PlaybackController *playback, QWidget *parent)
    : QWidget(parent), m_playback(playback), m_lists{new QListWidget, new QListWidget},
      m_view(new ClipView), m_info(new QLabel), m_keys(new QLabel)
{
    setObjectName("auditionView");
    setFocusPolicy(Qt::ClickFocus);
    installEventFilter(this); // keys while a clip outside the lists is shown
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *lists = new QHBoxLayout;
    const char *names[2] = {"positiveList", "negativeList"};
    const QString titles[2] = {tr("<b>D+</b> highest reward"), tr("<b>D−</b> lowest reward")};
    for (int i = 0; i < 2; ++i) {
        auto *column = new QVBoxLayout;
        m_titles[i] = new QLabel(titles[i]);
        column->addWidget(m_titles[i]);
        m_lists[i]->setObjectName(names[i]);
        m_lists[i]->installEventFilter(this);
        m_lists[i]->setUniformItemSizes(true);
        column->addWidget(m_lists[i], 1);
        lists->addLayout(column, 1);
        connect(m_lists[i], &QListWidget::currentRowChanged, this,
                [this, i](int row) { onCurrentRowChanged(i, row); });
        connect(m_lists[i], &QListWidget::itemDoubleClicked, this, [this, i] {
            m_active = i;
            togglePlay();
        });
    }
    layout->addLayout(lists, 2);
    m_info->setObjectName("auditionInfo");
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Fixed height: the lists and the view do not jump when the text changes length.
    m_info->setFixedHeight(m_info->fontMetrics().lineSpacing() * 3 + 4);
    m_info->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_info);
    layout->addWidget(m_view, 3);
    m_keys->setText(tr("Space play/stop · ↑/↓ move · A or Tab: the paired clip at the same "
                       "position · L loop (off)"));
    m_keys->setStyleSheet("color: palette(mid)");
    layout->addWidget(m_keys);

    connect(playback, &PlaybackController::positionChanged, this,
            [this](const QString &path, double seconds, double) {
                if (path == m_view->clipPath())
                    m_view->setPlayhead(seconds);
            });
    connect(playback, &PlaybackController::playingChanged, this,
            [this](const QString &path, bool playing) {
                if (!playing && path == m_view->clipPath())
                    m_view->setPlayhead(-1);
            });
}

void AuditionView::setEntries(const QVector<AuditionEntry> &positives,
                              const QVector<AuditionEntry> &negatives)
{
    const QString selected = m_external.isEmpty() ? currentPath() : QString();
    const int selectedList = m_active;
    m_entries[0] = positives;
    m_entries[1] = negatives;
    m_external.clear();
    for (int i = 0; i < 2; ++i) {
        const QSignalBlocker block(m_lists[i]);
        m_lists[i]->clear();
        for (const auto &e : m_entries[i]) {
            auto *item =
                new QListWidgetItem(tr("%1  ·  seed %2  ·  %3")
                                        .arg(e.reward, 0, 'f', 3)
                                        .arg(e.seed)
                                        .arg(e.prompt.isEmpty() ? tr("(no prompt)") : e.prompt));
            item->setData(kPathRole, e.path);
            item->setToolTip(QFileInfo(e.path).fileName());
            m_lists[i]->addItem(item);
        }
    }
    if (!selected.isEmpty())
        for (int row = 0; row < m_entries[selectedList].size(); ++row)
            if (m_entries[selectedList][row].path == selected) {
                const QSignalBlocker block(m_lists[selectedList]);
                m_active = selectedList;
                m_lists[selectedList]->setCurrentRow(row);
                updateInfo();
                return;
            }
    m_active = 0;
    if (!positives.isEmpty()) {
        const QSignalBlocker block(m_lists[0]);
        m_lists[0]->setCurrentRow(0); // blocked: update by hand
    }
    onCurrentRowChanged(0, positives.isEmpty() ? -1 : 0);
}

void AuditionView::setTitles(const QString &positives, const QString &negatives,
                             const QString &positiveName, const QString &negativeName)
{
    m_titles[0]->setText(positives);
    m_titles[1]->setText(negatives);
    m_shortNames[0] = positiveName;
    m_shortNames[1] = negativeName;
    updateInfo();
}

QString AuditionView::currentPath() const
{
    if (!m_external.isEmpty())
        return m_external;
    const QListWidgetItem *item = m_lists[m_active]->currentItem();
    return item ? item->data(kPathRole).toString() : QString();
}

void AuditionView::showClip(const QString &path, const QString &info)
{
    for (QListWidget *list : m_lists) {
        const QSignalBlocker block(list);
        list->setCurrentRow(-1);
    }
    m_external = path;
    m_view->setClip(path);
    m_playback->preload(path);
    m_info->setText(info);
    Q_EMIT currentChanged(path);
}

bool AuditionView::select(const QString &path)
{
    for (int i = 0; i < 2; ++i)
        for (int row = 0; row < m_lists[i]->count(); ++row)
            if (m_lists[i]->item(row)->data(kPathRole).toString() == path) {
                m_active = i;
                m_lists[i]->setCurrentRow(row);
                onCurrentRowChanged(i, row);
                return true;
            }
    return false;
}

void AuditionView::onCurrentRowChanged(int list, int row)
{
    if (row < 0) {
        if (list == m_active) {
            m_view->setClip(QString());
            updateInfo();
        }
        return;
    }
    m_active = list;
    m_external.clear();
    const QString path = currentPath();
    m_view->setClip(path);
    m_playback->preload(path);
    // The paired clip too, so A/B switches start at once.
    const int other = 1 - list;
    if (row < m_lists[other]->count())
        m_playback->preload(m_lists[other]->item(row)->data(kPathRole).toString());
    updateInfo();
    Q_EMIT currentChanged(path);
}

void AuditionView::updateInfo()
{
    const int row = m_lists[m_active]->currentRow();
    if (row < 0 || row >= m_entries[m_active].size()) {
        m_info->clear();
        return;
    }
    const AuditionEntry &e = m_entries[m_active][row];
    m_info->setText(tr("<b>%1</b> #%2 · reward %3 · seed %4 · “%5”<br>%6")
                        .arg(m_shortNames[m_active])
                        .arg(row + 1)
                        .arg(e.reward, 0, 'f', 4)
                        .arg(e.seed)
                        .arg(e.prompt.toHtmlEscaped(), e.details.toHtmlEscaped()));
}

void AuditionView::togglePlay()
{
    m_playback->toggle(currentPath());
}

void AuditionView::switchToPair()
{
    if (!m_external.isEmpty())
        return; // a clip outside the lists has no pair
    const int row = m_lists[m_active]->currentRow();
    const int other = 1 - m_active;
    if (row < 0 || m_lists[other]->count() == 0)
        return;
    const bool playing = m_playback->isPlaying() && m_playback->playingPath() == currentPath();
    const int pairedRow = std::min(row, m_lists[other]->count() - 1);
    m_active = other;
    m_lists[other]->setCurrentRow(pairedRow);
    m_lists[other]->setFocus();
    onCurrentRowChanged(other, pairedRow);
    if (playing)
        m_playback->switchTo(currentPath());
}

void AuditionView::focusKeys()
{
    // A clip outside the lists: the view itself takes the keys (focusing a list would select
    // its first row).
    if (!m_external.isEmpty())
        setFocus();
    else
        m_lists[m_active]->setFocus();
}

void AuditionView::toggleLoop()
{
    m_looping = !m_looping;
    m_playback->setLooping(m_looping);
    m_keys->setText(tr("Space play/stop · ↑/↓ move · A or Tab: the paired clip at the same "
                       "position · L loop (%1)")
                        .arg(m_looping ? tr("on") : tr("off")));
}

bool AuditionView::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress &&
        (watched == m_lists[0] || watched == m_lists[1] || watched == this)) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (watched != this)
            m_active = watched == m_lists[0] ? 0 : 1;
        switch (key->key()) {
        case Qt::Key_Space:
            togglePlay();
            return true;
        case Qt::Key_A:
        case Qt::Key_Tab:
        case Qt::Key_Backtab:
            switchToPair();
            return true;
        case Qt::Key_L:
            toggleLoop();
            return true;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}
